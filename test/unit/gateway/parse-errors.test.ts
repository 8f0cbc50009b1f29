import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBody } from '../../../gateway/request/body.ts';
import { RemoteError } from '../../../gateway/errors.ts';

/** The message parseBody refuses `text` with (it must refuse it). */
async function refusal(text: string, format: 'json' | 'xml', root = 'application-submission-context'): Promise<string> {
  try {
    await parseBody(Buffer.from(text), format, root);
  } catch (err) {
    assert.ok(err instanceof RemoteError, String(err));
    assert.equal(err.kind, 'Unmarshal');
    return err.message;
  }
  assert.fail(`accepted ${JSON.stringify(text)}`);
}

const JACKSON = (cls: string, detail: string, line: number, column: number): string =>
  'javax.xml.bind.UnmarshalException\n - with linked exception:\n[javax.xml.stream.XMLStreamException: ' +
  `com.fasterxml.jackson.core.${cls}: ${detail}\n at [Source: (BufferedReader); line: ${line}, column: ${column}]]`;
const SAX = (line: number, column: number, detail: string): string =>
  'javax.xml.bind.UnmarshalException\n - with linked exception:\n' +
  `[org.xml.sax.SAXParseException; lineNumber: ${line}; columnNumber: ${column}; ${detail}]`;
const UNWRAPPED =
  '<{}NewApplication>,<{}application-submission-context>,<{}applicationpriority>,<{}appqueue>,' +
  '<{}container-launch-context-info>,<{}credentials-info>,<{}delegation-token>,<{}localresources>,' +
  '<{}log-aggregation-context>,<{}resourceInfo>,<{}resourceInformations>,<{}resourceOption>';
const WORDS = "was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

// Every expected text below is what a real Hadoop 3.4.1 RM answered to the same body (hack/yarn-rm, 2026-11-27).
describe('malformed request bodies get the RM parser messages', () => {
  const json: [string, string][] = [
    [
      '{"application-id":"application_1795796382440_0005","queue":',
      JACKSON('io.JsonEOFException', 'Unexpected end-of-input within/between Object entries', 1, 60),
    ],
    [
      '{"application-id":}',
      JACKSON('JsonParseException', "Unexpected character ('}' (code 125)): expected a value", 1, 20),
    ],
    [
      '{"application-id" 1}',
      JACKSON(
        'JsonParseException',
        "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value",
        1,
        20,
      ),
    ],
    [
      '{"application-id":"a",}',
      JACKSON(
        'JsonParseException',
        "Unexpected character ('}' (code 125)): was expecting double-quote to start field name",
        1,
        24,
      ),
    ],
    [
      '{"application-id":"a" "b"}',
      JACKSON(
        'JsonParseException',
        "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries",
        1,
        24,
      ),
    ],
    [
      '{"application-id":"abc',
      JACKSON('io.JsonEOFException', 'Unexpected end-of-input: was expecting closing quote for a string value', 1, 23),
    ],
    ['{"application-id":nope}', JACKSON('JsonParseException', `Unrecognized token 'nope': ${WORDS}`, 1, 23)],
    ['{"a":\n1,', JACKSON('JsonParseException', 'Unexpected end-of-input within/between Object entries', 2, 3)],
    ['{"state":', JACKSON('io.JsonEOFException', 'Unexpected end-of-input within/between Object entries', 1, 10)],
    ['{"application-id":"a"} x', JACKSON('JsonParseException', `Unrecognized token 'x': ${WORDS}`, 1, 25)],
    [
      '',
      'javax.xml.bind.UnmarshalException: Error creating JSON-based XMLStreamReader\n - with linked exception:\n' +
        '[javax.xml.stream.XMLStreamException: JSON expression can not be empty!]',
    ],
  ];
  for (const [body, message] of json) {
    it(`JSON ${JSON.stringify(body)}`, async () => {
      assert.equal(await refusal(body, 'json'), message);
    });
  }

  const xml: [string, string, string][] = [
    [
      '<application-submission-context><application-id>x</application-id>',
      'application-submission-context',
      SAX(1, 67, 'XML document structures must start and end within the same entity.'),
    ],
    ['{"a":1}', 'application-submission-context', SAX(1, 1, 'Content is not allowed in prolog.')],
    ['', 'application-submission-context', SAX(1, 1, 'Premature end of file.')],
    [
      '<application-submission><queue>x</queue></application-submission>',
      'application-submission-context',
      `javax.xml.bind.UnmarshalException: unexpected element (uri:"", local:"application-submission"). Expected elements are ${UNWRAPPED}`,
    ],
    // The root is judged before the rest is known to be well formed, as JAXB's streaming unmarshaller does.
    [
      '<a><b>',
      'applicationpriority',
      `javax.xml.bind.UnmarshalException: unexpected element (uri:"", local:"a"). Expected elements are ${UNWRAPPED}`,
    ],
    [
      '<appstat><state>KILLED</state></appstat>',
      'appstate',
      'javax.xml.bind.UnmarshalException: unexpected element (uri:"", local:"appstat"). Expected elements are <{}appstate>',
    ],
  ];
  for (const [body, root, message] of xml) {
    it(`XML ${JSON.stringify(body)} (for <${root}>)`, async () => {
      assert.equal(await refusal(body, 'xml', root), message);
    });
  }

  it('an unknown root on /timeout lists the RM wrapped-type context', async () => {
    const m = await refusal('<bogus/>', 'xml', 'timeout');
    assert.match(m, /^javax\.xml\.bind\.UnmarshalException: unexpected element \(uri:"", local:"bogus"\)\. /);
    assert.match(m, /Expected elements are <\{\}ExecutionTypeRequest>,<\{\}RemoteException>,.*,<\{\}timeout>,/);
  });

  it('still reads well-formed bodies', async () => {
    assert.deepEqual(await parseBody(Buffer.from('{"state":"KILLED"}'), 'json', 'appstate'), { state: 'KILLED' });
    assert.deepEqual(
      await parseBody(
        Buffer.from('<?xml version="1.0"?><appstate><state>KILLED</state></appstate>'),
        'xml',
        'appstate',
      ),
      { state: 'KILLED' },
    );
  });
});
