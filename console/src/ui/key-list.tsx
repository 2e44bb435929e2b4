import { type KeyboardEvent, type MouseEvent, type ReactNode, useRef, useState } from 'react';

/** Controls inside an item handle their own clicks and keys; the item does not open for them. */
const CONTROLS = 'button, a, input, select, textarea, label, summary';

/**
 * A list whose items are reached with the arrow keys (Home/End too) and opened with Enter or a
 * click: one tab stop for the list (it stays on the item last moved to), a visible focus ring.
 */
export function KeyList<T>(props: {
  items: readonly T[];
  keyOf: (item: T) => string;
  render: (item: T) => ReactNode;
  onOpen?: (item: T) => void;
  selected?: string | null;
  label: string;
  className?: string;
}) {
  const ref = useRef<HTMLUListElement>(null);
  const [active, setActive] = useState(0);
  const stop = Math.min(active, Math.max(0, props.items.length - 1));
  const focusAt = (i: number) => {
    const items = ref.current?.querySelectorAll<HTMLLIElement>(':scope > li');
    if (!items?.length) return;
    const to = Math.max(0, Math.min(items.length - 1, i));
    setActive(to);
    items[to]?.focus();
  };
  const onKey = (e: KeyboardEvent<HTMLLIElement>, i: number, item: T) => {
    if (e.target !== e.currentTarget) return;
    const moves: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: 1e9 };
    const to = moves[e.key];
    if (to !== undefined) {
      e.preventDefault();
      focusAt(to);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      props.onOpen?.(item);
    }
  };
  const onClick = (e: MouseEvent<HTMLLIElement>, i: number, item: T) => {
    const control = (e.target as HTMLElement).closest(CONTROLS);
    if (control && e.currentTarget.contains(control)) return;
    setActive(i);
    props.onOpen?.(item);
  };
  return (
    <ul
      ref={ref}
      className={`key-list ${props.className ?? ''}`}
      aria-label={props.label}
      role="listbox"
    >
      {props.items.map((item, i) => {
        const key = props.keyOf(item);
        return (
          <li
            key={key}
            role="option"
            aria-selected={props.selected === key}
            tabIndex={i === stop ? 0 : -1}
            onKeyDown={(e) => onKey(e, i, item)}
            onClick={(e) => onClick(e, i, item)}
            data-key={key}
          >
            {props.render(item)}
          </li>
        );
      })}
    </ul>
  );
}
