import { stringify } from 'yaml';
import { SIM_DURATION_ANNOTATION, SIM_EXIT_CODE_ANNOTATION } from '../../api/names.ts';

/**
 * kwok Stages of the local cluster. kwok exits without stages; these give nodes and pods the lifecycle Loom's tests
 * and demo rely on:
 * - nodes become Ready at once and keep a heartbeat (the Lease is renewed by kwok itself);
 * - a bound pod becomes Running;
 * - a Running pod annotated `sim.loom.dev/duration: 30s` terminates after that long, with the exit code in
 *   `sim.loom.dev/exit-code` (default 0): Succeeded for 0, Failed otherwise;
 * - a Job's pod without a duration completes at once; every other pod runs until it is deleted;
 * - a pod marked for deletion is removed.
 * The templates are Go templates rendered by kwok against the object; `.metadata.annotations` is indexed only by
 * stages whose selector already requires the annotation, so it is never nil there.
 */

const nodeInitialize = `{{ $now := Now }}
conditions:
{{ range NodeConditions }}
- lastHeartbeatTime: {{ $now | Quote }}
  lastTransitionTime: {{ $now | Quote }}
  message: {{ .message | Quote }}
  reason: {{ .reason | Quote }}
  status: {{ .status | Quote }}
  type: {{ .type | Quote }}
{{ end }}
addresses:
{{ with NodeIP }}
- address: {{ . | Quote }}
  type: InternalIP
{{ end }}
- address: {{ NodeName | Quote }}
  type: Hostname
{{ with NodePort }}
daemonEndpoints:
  kubeletEndpoint:
    Port: {{ . }}
{{ end }}
{{ with .status.allocatable }}
allocatable:
{{ YAML . 1 }}
{{ end }}
{{ with .status.capacity }}
capacity:
{{ YAML . 1 }}
{{ end }}
nodeInfo:
  architecture: amd64
  operatingSystem: linux
  containerRuntimeVersion: {{ printf "kwok-%s" Version | Quote }}
  kernelVersion: {{ printf "kwok-%s" Version | Quote }}
  kubeletVersion: {{ printf "kwok-%s" Version | Quote }}
  kubeProxyVersion: {{ printf "kwok-%s" Version | Quote }}
phase: Running
`;

const nodeHeartbeat = `{{ $now := Now }}
conditions:
{{ range NodeConditions }}
- lastHeartbeatTime: {{ $now | Quote }}
  lastTransitionTime: {{ $now | Quote }}
  message: {{ .message | Quote }}
  reason: {{ .reason | Quote }}
  status: {{ .status | Quote }}
  type: {{ .type | Quote }}
{{ end }}
`;

const podReady = `{{ $now := Now }}
conditions:
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: Initialized
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: Ready
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: ContainersReady
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: PodScheduled
containerStatuses:
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
  ready: true
  started: true
  restartCount: 0
  state:
    running:
      startedAt: {{ $now | Quote }}
{{ end }}
{{ with NodeIPsWith .spec.nodeName }}
hostIP: {{ index . 0 | Quote }}
{{ end }}
{{ with PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
podIP: {{ index . 0 | Quote }}
podIPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}
phase: Running
startTime: {{ $now | Quote }}
`;

/** Terminated status for every container; `$code` is set by the caller's preamble. */
const terminated = (preamble: string): string => `{{ $now := Now }}
${preamble}
conditions:
- lastTransitionTime: {{ $now | Quote }}
  status: "False"
  reason: PodCompleted
  type: Ready
- lastTransitionTime: {{ $now | Quote }}
  status: "False"
  reason: PodCompleted
  type: ContainersReady
containerStatuses:
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
  ready: false
  started: false
  restartCount: 0
  state:
    terminated:
      exitCode: {{ $code }}
      reason: {{ if eq $code "0" }}Completed{{ else }}Error{{ end }}
      finishedAt: {{ $now | Quote }}
{{ end }}
phase: {{ if eq $code "0" }}Succeeded{{ else }}Failed{{ end }}
`;

const annotation = (name: string): string => `.metadata.annotations["${name}"]`;
const notDeleting = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' };
const running = { key: '.status.phase', operator: 'In', values: ['Running'] };

interface Stage {
  apiVersion: 'kwok.x-k8s.io/v1alpha1';
  kind: 'Stage';
  metadata: { name: string };
  spec: Record<string, unknown>;
}

const stage = (name: string, kind: 'Node' | 'Pod', spec: Record<string, unknown>): Stage => ({
  apiVersion: 'kwok.x-k8s.io/v1alpha1',
  kind: 'Stage',
  metadata: { name },
  spec: { resourceRef: { apiGroup: 'v1', kind }, ...spec },
});

/** Every Stage the local cluster runs kwok with. */
export function localStages(): Stage[] {
  return [
    stage('node-initialize', 'Node', {
      selector: {
        matchExpressions: [
          { key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: 'NotIn', values: ['True'] },
        ],
      },
      next: { statusTemplate: nodeInitialize },
    }),
    stage('node-heartbeat', 'Node', {
      selector: {
        matchExpressions: [
          { key: '.status.phase', operator: 'In', values: ['Running'] },
          { key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: 'In', values: ['True'] },
        ],
      },
      // Conditions are refreshed rarely: liveness comes from the node Lease, which kwok renews on its own.
      delay: { durationMilliseconds: 300_000, jitterDurationMilliseconds: 330_000 },
      next: { statusTemplate: nodeHeartbeat },
    }),
    stage('pod-ready', 'Pod', {
      selector: {
        matchExpressions: [
          notDeleting,
          { key: '.status.phase', operator: 'In', values: ['Pending'] },
          { key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: 'NotIn', values: ['True'] },
        ],
      },
      next: { statusTemplate: podReady },
    }),
    stage('pod-complete-after-duration', 'Pod', {
      selector: {
        matchExpressions: [notDeleting, running, { key: annotation(SIM_DURATION_ANNOTATION), operator: 'Exists' }],
      },
      // durationFrom parses a Go duration ("30s", "2m"); an unparsable value falls back to durationMilliseconds.
      delay: { durationMilliseconds: 30_000, durationFrom: { expressionFrom: annotation(SIM_DURATION_ANNOTATION) } },
      next: {
        statusTemplate: terminated(`{{ $code := or (index .metadata.annotations "${SIM_EXIT_CODE_ANNOTATION}") "0" }}`),
      },
    }),
    stage('job-pod-complete', 'Pod', {
      selector: {
        matchExpressions: [
          notDeleting,
          running,
          { key: annotation(SIM_DURATION_ANNOTATION), operator: 'DoesNotExist' },
          { key: '.metadata.ownerReferences.[].kind', operator: 'In', values: ['Job'] },
        ],
      },
      delay: { durationMilliseconds: 1_000 },
      next: { statusTemplate: terminated('{{ $code := "0" }}') },
    }),
    stage('pod-delete', 'Pod', {
      selector: { matchExpressions: [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }] },
      next: { finalizers: { empty: true }, delete: true },
    }),
  ];
}

/** The multi-document YAML passed to `kwok --config`. */
export function kwokConfigYaml(): string {
  return localStages()
    .map((s) => stringify(s, { lineWidth: 0 }))
    .join('---\n');
}
