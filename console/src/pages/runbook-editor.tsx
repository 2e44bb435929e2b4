import { useState } from 'react';

import { useSession } from '../api/session';
import { ErrorText } from '../ui/status';
import { useMutation } from '../ui/use-query';

interface Problem {
  path: string;
  message: string;
}

const VALIDATE = `query ($d: JSON!) { validateRunbook(definition: $d) { ok errors { path message } } }`;
const SAVE = `mutation ($d: JSON!) { saveRunbook(definition: $d) { id name version } }`;

const EXAMPLE = `id: restart-api
name: Restart the API
version: 1
trigger:
  kind: manual
parameters:
  - name: service
    type: enum
    allowed: [api, web]
steps:
  - id: gate
    kind: approval
    roles: [admin]
    timeoutSeconds: 300
  - id: restart
    kind: http
    method: POST
    url: https://deploy.example.com/restart/{{ params.service }}`;

/**
 * Writes a runbook as YAML or JSON text: Validate lists every problem with its path, Save stores
 * a new version (the API decides who may; its refusal is shown as it said it).
 */
export function RunbookEditor(props: {
  text: string;
  onText: (text: string) => void;
  editing: string | null;
  onSaved: (id: string) => void;
  mayWrite: boolean;
}) {
  const { call } = useSession();
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [validating, setValidating] = useState(false);
  const [validateError, setValidateError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const save = useMutation<{ saveRunbook: { id: string; name: string; version: number } }>(SAVE);

  const validate = async () => {
    setValidating(true);
    setValidateError(null);
    setNotice(null);
    try {
      const { validateRunbook } = await call<{
        validateRunbook: { ok: boolean; errors: Problem[] };
      }>(VALIDATE, { d: props.text });
      setProblems(validateRunbook.errors);
    } catch (err) {
      setProblems(null);
      setValidateError((err as Error).message);
    } finally {
      setValidating(false);
    }
  };
  const submit = async () => {
    setNotice(null);
    setProblems(null);
    const saved = await save.run({ d: props.text });
    if (!saved) return;
    const r = saved.saveRunbook;
    setNotice(`Saved ${r.name} (${r.id}) as version ${r.version}.`);
    props.onSaved(r.id);
  };

  return (
    <section className="panel runbook-editor" aria-labelledby="runbook-editor-title">
      <h2 id="runbook-editor-title">
        {props.editing ? `Edit runbook ${props.editing}` : 'New runbook'}
      </h2>
      <p className="muted hint">
        YAML or JSON. Saving a runbook with an id that exists stores a new version of it.
      </p>
      <label>
        Definition (YAML or JSON)
        <textarea
          className="code"
          rows={16}
          spellCheck={false}
          wrap="off"
          placeholder={EXAMPLE}
          value={props.text}
          onChange={(e) => {
            props.onText(e.target.value);
            setProblems(null);
            setNotice(null);
          }}
        />
      </label>
      <div className="form-buttons">
        <button
          type="button"
          onClick={() => void validate()}
          disabled={validating || !props.text.trim()}
        >
          Validate
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => void submit()}
          disabled={save.busy || !props.text.trim()}
        >
          Save
        </button>
        {props.text && (
          <button type="button" onClick={() => props.onText('')}>
            Clear
          </button>
        )}
      </div>
      {!props.mayWrite && (
        <p className="muted hint">Saving needs the editor role or above; validating does not.</p>
      )}
      {problems !== null &&
        (problems.length === 0 ? (
          <p className="status ok" role="status">
            Valid: it can be saved.
          </p>
        ) : (
          <div className="status error" role="alert">
            {problems.length === 1 ? 'One problem:' : `${problems.length} problems:`}
            <ul className="problems">
              {problems.map((p, i) => (
                <li key={i}>
                  <code>{p.path || '/'}</code> {p.message}
                </li>
              ))}
            </ul>
          </div>
        ))}
      <ErrorText error={validateError ?? save.error} />
      {notice && (
        <p className="status ok" role="status">
          {notice}
        </p>
      )}
    </section>
  );
}
