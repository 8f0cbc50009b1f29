import { submissionProblem, type SubmissionContext } from '../../api/submission.ts';
import { RemoteError } from '../errors.ts';

/** Validates a parsed body; the first issue becomes a 400 naming its field. */
export function parseSubmission(body: unknown): SubmissionContext {
  const r = submissionProblem(body);
  if (r.ok) return r.value;
  throw new RemoteError('Unmarshal', `Invalid application-submission-context: ${r.problem}`);
}
