/**
 * A record's body with its pattern's parameters marked: the template's constant text stays plain,
 * each parameter value (found left to right) is a <mark>.
 */
export function Highlighted(props: { body: string; params: readonly string[] }) {
  const parts: Array<{ text: string; param: boolean }> = [];
  let rest = props.body;
  for (const value of props.params) {
    const at = value ? rest.indexOf(value) : -1;
    if (at < 0) continue;
    if (at > 0) parts.push({ text: rest.slice(0, at), param: false });
    parts.push({ text: value, param: true });
    rest = rest.slice(at + value.length);
  }
  if (rest) parts.push({ text: rest, param: false });
  return (
    <span className="body">
      {parts.map((p, i) =>
        p.param ? (
          <mark key={i} className="param" title="parameter">
            {p.text}
          </mark>
        ) : (
          <span key={i} className="template-text">
            {p.text}
          </span>
        ),
      )}
    </span>
  );
}

/** A template with its `<*>` slots marked. */
export function Template(props: { template: string }) {
  const pieces = props.template.split('<*>');
  return (
    <code className="template">
      {pieces.map((p, i) => (
        <span key={i}>
          {p}
          {i < pieces.length - 1 && <mark className="slot">&lt;*&gt;</mark>}
        </span>
      ))}
    </code>
  );
}
