/**
 * The messages a 3.4.1 RM gives for request bodies it cannot read, so that clients matching on them see the same
 * text. The RM reads JSON through JAXB over Jackson and XML through JAXB over Xerces; every failure is a 400
 * `WebApplicationException` whose message is the `UnmarshalException`'s, with the parser's exception linked in:
 *
 *   javax.xml.bind.UnmarshalException\n - with linked exception:\n[javax.xml.stream.XMLStreamException:
 *   com.fasterxml.jackson.core.JsonParseException: Unexpected character ('}' (code 125)): expected a value\n at
 *   [Source: (BufferedReader); line: 1, column: 20]]
 *
 * The wrapper, the parser's exception class and position are exact; the detail follows Jackson's wording for the
 * mistakes clients make (truncated bodies, missing or extra commas, colons and quotes, bare words) and Xerces' for
 * empty, truncated and non-XML bodies. Rarer mistakes keep the wrapper with a description of Loom's own.
 * Observed answers: ../../../shared/reference/yarn-rm-observed.md ("Errors") and hack/conformance.
 */

const LINKED = 'javax.xml.bind.UnmarshalException\n - with linked exception:\n';
const JACKSON = 'com.fasterxml.jackson.core.';
const EXPECTED_VALUE = "was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

/** The RM's message for an empty JSON body (Jersey refuses to open a reader on it). */
export const EMPTY_JSON =
  'javax.xml.bind.UnmarshalException: Error creating JSON-based XMLStreamReader\n - with linked exception:\n' +
  '[javax.xml.stream.XMLStreamException: JSON expression can not be empty!]';

/** Line and column as Jackson and Xerces count them: 1-based, the column just after what was read. */
function position(text: string, consumed: number): { line: number; column: number } {
  const before = text.slice(0, consumed);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: consumed - lineStart + 1 };
}

/** Jackson's `_getCharDesc`. */
function charDesc(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  if (code < 32) return `(CTRL-CHAR, code ${code})`;
  if (code > 255) return `'${c}' (code ${code} / 0x${code.toString(16)})`;
  return `'${c}' (code ${code})`;
}

interface JsonFault {
  /** Jackson's exception class, relative to com.fasterxml.jackson.core. */
  cls: 'JsonParseException' | 'io.JsonEOFException';
  detail: string;
  /** Characters read when Jackson gave up. */
  consumed: number;
}

class Fault extends Error {
  constructor(readonly fault: JsonFault) {
    super(fault.detail);
  }
}

/** Finds the first mistake in a JSON text the way Jackson's streaming parser meets it; undefined if there is none. */
function findJsonFault(text: string): JsonFault | undefined {
  let i = 0;
  const fail = (cls: JsonFault['cls'], detail: string, consumed = i): never => {
    throw new Fault({ cls, detail, consumed });
  };
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const eofIn = (container: 'Object' | 'Array', afterComma: boolean): never =>
    fail(
      afterComma ? 'JsonParseException' : 'io.JsonEOFException',
      `Unexpected end-of-input within/between ${container} entries`,
    );
  const unexpected = (what: string): never =>
    fail('JsonParseException', `Unexpected character (${charDesc(text[i]!)}): ${what}`, i + 1);
  const word = (): never => {
    const m = /^[A-Za-z0-9_$]+/.exec(text.slice(i));
    const token = m?.[0] ?? text[i]!;
    return fail('JsonParseException', `Unrecognized token '${token}': ${EXPECTED_VALUE}`, i + token.length);
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length)
        fail('io.JsonEOFException', 'Unexpected end-of-input: was expecting closing quote for a string value');
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c < ' ')
        fail(
          'JsonParseException',
          `Illegal unquoted character (${charDesc(c)}): has to be escaped using backslash to be included in string value`,
          i + 1,
        );
      if (c === '\\') {
        const e = text[i + 1];
        if (e === undefined) fail('io.JsonEOFException', 'Unexpected end-of-input in character escape sequence', i + 1);
        if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex))
            fail('JsonParseException', 'Unexpected character in unicode escape', i + 2);
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e!))
          fail('JsonParseException', `Unrecognized character escape ${charDesc(e!)}`, i + 2);
        i += 2;
        continue;
      }
      i++;
    }
  };
  const value = (): void => {
    const c = text[i]!;
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    const num = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (num && /[-\d]/.test(c)) {
      i += num[0].length;
      return;
    }
    for (const w of ['true', 'false', 'null']) {
      if (text.startsWith(w, i) && !/[A-Za-z0-9_$]/.test(text[i + w.length] ?? '')) {
        i += w.length;
        return;
      }
    }
    if (/[A-Za-z_$]/.test(c)) return word();
    return unexpected('expected a value');
  };
  function object(): void {
    i++;
    ws();
    if (i >= text.length) return eofIn('Object', false);
    if (text[i] === '}') {
      i++;
      return;
    }
    for (let afterComma = false; ; afterComma = true) {
      ws();
      if (i >= text.length) return eofIn('Object', afterComma);
      if (text[i] !== '"') return unexpected('was expecting double-quote to start field name');
      string();
      ws();
      if (i >= text.length) return eofIn('Object', false);
      if (text[i] !== ':') return unexpected('was expecting a colon to separate field name and value');
      i++;
      ws();
      if (i >= text.length) return eofIn('Object', false);
      value();
      ws();
      if (i >= text.length) return eofIn('Object', false);
      if (text[i] === '}') {
        i++;
        return;
      }
      if (text[i] !== ',') return unexpected('was expecting comma to separate Object entries');
      i++;
    }
  }
  function array(): void {
    i++;
    ws();
    if (i >= text.length) return eofIn('Array', false);
    if (text[i] === ']') {
      i++;
      return;
    }
    for (let afterComma = false; ; afterComma = true) {
      ws();
      if (i >= text.length) return eofIn('Array', afterComma);
      value();
      ws();
      if (i >= text.length) return eofIn('Array', false);
      if (text[i] === ']') {
        i++;
        return;
      }
      if (text[i] !== ',') return unexpected('was expecting comma to separate Array entries');
      i++;
    }
  }
  try {
    ws();
    value();
    ws();
    // Jackson reads on after the root value, so trailing text is judged as the start of another value.
    if (i < text.length) value();
    return undefined;
  } catch (err) {
    if (err instanceof Fault) return err.fault;
    throw err;
  }
}

/** The RM's message for a JSON body that does not parse. `fallback` describes it when Loom finds no fault itself. */
export function jsonParseMessage(text: string, fallback: string): string {
  const fault = findJsonFault(text);
  if (!fault) return `${LINKED}[javax.xml.stream.XMLStreamException: ${fallback}]`;
  const { line, column } = position(text, fault.consumed);
  return (
    `${LINKED}[javax.xml.stream.XMLStreamException: ${JACKSON}${fault.cls}: ${fault.detail}\n` +
    ` at [Source: (BufferedReader); line: ${line}, column: ${column}]]`
  );
}

/** Xerces' SAXParseException, linked into the UnmarshalException. */
export function saxMessage(text: string, consumed: number, detail: string): string {
  const { line, column } = position(text, consumed);
  return `${LINKED}[org.xml.sax.SAXParseException; lineNumber: ${line}; columnNumber: ${column}; ${detail}]`;
}

/** The RM's message for an XML body that does not parse, from sax's (xml2js') error. */
export function xmlParseMessage(text: string, saxError: string): string {
  if (text.trim() === '') return saxMessage(text, 0, 'Premature end of file.');
  if (/^Non-whitespace before first tag/.test(saxError))
    return saxMessage(text, 0, 'Content is not allowed in prolog.');
  if (/^Unclosed root tag|^Unexpected end/.test(saxError))
    return saxMessage(text, text.length, 'XML document structures must start and end within the same entity.');
  const line = Number(/Line: (\d+)/.exec(saxError)?.[1] ?? 0);
  const col = Number(/Column: (\d+)/.exec(saxError)?.[1] ?? 0);
  const lines = text.split('\n');
  const consumed = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + col;
  return saxMessage(text, Math.min(consumed, text.length), `${saxError.split('\n')[0] ?? 'Malformed XML'}.`);
}

/**
 * Root elements each of the RM's JAXB contexts knows (RM JAXBContextResolver), as JAXB lists them when a body's root
 * is none of them. `appstate` has no context of its own there, so JAXB builds one for AppState alone.
 */
const UNWRAPPED_ROOTS = [
  'NewApplication',
  'application-submission-context',
  'applicationpriority',
  'appqueue',
  'container-launch-context-info',
  'credentials-info',
  'delegation-token',
  'localresources',
  'log-aggregation-context',
  'resourceInfo',
  'resourceInformations',
  'resourceOption',
];
const WRAPPED_ROOTS = [
  'ExecutionTypeRequest',
  'RemoteException',
  'activities',
  'activityNodeInfo',
  'allocationTagInfo',
  'allocationTagsInfo',
  'app',
  'appActivities',
  'appAllocationInfo',
  'appAttempt',
  'appAttempts',
  'appRequestAllocationInfo',
  'appStatInfo',
  'apps',
  'autoQueueTemplatePropertiesInfo',
  'bulkActivities',
  'capacityScheduler',
  'capacitySchedulerLeafQueueInfo',
  'capacitySchedulerQueueInfo',
  'capacitySchedulerQueueInfoList',
  'clusterInfo',
  'clusterMetrics',
  'fairScheduler',
  'fairSchedulerLeafQueueInfo',
  'fairSchedulerQueueInfo',
  'fairSchedulerQueueInfoList',
  'fifoScheduler',
  'leafQueueTemplateInfo',
  'node',
  'nodeAllocationInfo',
  'nodeAttributeInfo',
  'nodeAttributesInfo',
  'nodes',
  'partitionQueueCapacitiesInfo',
  'partitionResourcesInfo',
  'queueAcl',
  'queueAcls',
  'queueCapacitiesInfo',
  'queueCapacityVectorEntryInfo',
  'queueCapacityVectorInfo',
  'resourceInfo',
  'resourceInformations',
  'resourceRequests',
  'resourceUtilizationInfo',
  'resourcesInfo',
  'scheduler',
  'schedulerInfo',
  'statItem',
  'timeout',
  'timeouts',
  'userInfo',
  'userMetrics',
  'usersInfo',
];
const contextOf = (expectedRoot: string): readonly string[] =>
  UNWRAPPED_ROOTS.includes(expectedRoot)
    ? UNWRAPPED_ROOTS
    : WRAPPED_ROOTS.includes(expectedRoot)
      ? WRAPPED_ROOTS
      : [expectedRoot];

/** JAXB's message for a body whose root element is not the one the endpoint reads. */
export function wrongRootMessage(root: string, expectedRoot: string): string {
  const known = contextOf(expectedRoot)
    .map((r) => `<{}${r}>`)
    .join(',');
  return `javax.xml.bind.UnmarshalException: unexpected element (uri:"", local:"${root}"). Expected elements are ${known}`;
}

/** The first element's name, read the way a streaming parser meets it (before the rest is known to be well formed). */
export function firstElement(text: string): string | undefined {
  const m = /^\uFEFF?\s*(?:<\?xml[^>]*\?>)?(?:\s*<!--[\s\S]*?-->)*\s*<([A-Za-z_:][\w.:-]*)/.exec(text);
  return m?.[1];
}
