import { parseStringPromise } from 'xml2js';
import { RemoteError } from '../errors.ts';
import { hasInvalidXmlChars } from '../serialize/xml.ts';
import { EMPTY_JSON, firstElement, jsonParseMessage, wrongRootMessage, xmlParseMessage } from './parse-errors.ts';

/** Largest request body accepted (a Spark submission with hundreds of local resources is ~100 KB). */
export const MAX_BODY_BYTES = 1 << 20;

export type BodyFormat = 'json' | 'xml';

/** The body's format from Content-Type: JSON or XML, 415 otherwise (the RM answers 503 there; see docs). */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml')) return 'xml';
  throw new RemoteError('UnsupportedMediaType', `HTTP 415 Unsupported Media Type: ${type || 'no Content-Type'}`);
}

/**
 * Parses a raw body into a plain tree. XML is parsed without DTDs or entities (a DOCTYPE is refused outright) and
 * its root element must be `expectedRoot`; every XML value arrives as a string and is coerced by the zod schema.
 * Text that XML 1.0 cannot carry is refused here, so a stored string never breaks a later XML answer.
 */
export async function parseBody(raw: Buffer, format: BodyFormat, expectedRoot: string): Promise<unknown> {
  const text = raw.toString('utf8');
  if (format === 'json') {
    if (text.trim() === '') throw new RemoteError('Unmarshal', EMPTY_JSON);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch (err) {
      throw new RemoteError('Unmarshal', jsonParseMessage(text, (err as Error).message));
    }
    assertXmlSafe(parsed, '');
    return parsed;
  }
  if (text.trim() === '') throw new RemoteError('Unmarshal', xmlParseMessage(text, ''));
  // JAXB judges the root element as soon as it meets it, before the rest is known to be well formed.
  const first = firstElement(text);
  if (first !== undefined && first !== expectedRoot)
    throw new RemoteError('Unmarshal', wrongRootMessage(first, expectedRoot));
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    // The RM's parser would read the DTD; Loom never does (no external entities, no entity expansion).
    throw new RemoteError('Unmarshal', 'DOCTYPE and entity declarations are not allowed in request bodies.');
  }
  let doc: Record<string, unknown> | null;
  try {
    doc = (await parseStringPromise(text, {
      explicitArray: false,
      explicitRoot: true,
      emptyTag: () => '',
    })) as Record<string, unknown> | null;
  } catch (err) {
    throw new RemoteError('Unmarshal', xmlParseMessage(text, (err as Error).message));
  }
  const rootName = doc ? Object.keys(doc)[0] : undefined;
  if (!doc || rootName === undefined) throw new RemoteError('Unmarshal', xmlParseMessage(text, 'Unexpected end'));
  if (rootName !== expectedRoot) throw new RemoteError('Unmarshal', wrongRootMessage(rootName, expectedRoot));
  const body = doc[rootName];
  // Character references such as &#1; decode into the tree, so the tree is checked, not the text.
  assertXmlSafe(body, '');
  return body === '' ? {} : body;
}

/** Refuses strings XML 1.0 cannot carry (NUL, most C0 controls), naming the field. */
function assertXmlSafe(v: unknown, path: string): void {
  if (typeof v === 'string') {
    if (hasInvalidXmlChars(v)) {
      throw new RemoteError(
        'BadRequest',
        `${path || 'the body'} contains characters that XML 1.0 cannot represent (such as NUL)`,
      );
    }
  } else if (Array.isArray(v)) {
    v.forEach((item, i) => assertXmlSafe(item, `${path}[${i}]`));
  } else if (v !== null && typeof v === 'object') {
    for (const [k, item] of Object.entries(v)) {
      assertXmlSafe(k, path);
      assertXmlSafe(item, path ? `${path}.${k}` : k);
    }
  }
}
