import { type KeyboardEvent, type ReactNode, useRef } from 'react';

/**
 * A list whose items are reached with the arrow keys (Home/End too) and opened with Enter or a
 * click: one tab stop for the list, a visible focus ring on the item.
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
  const focusAt = (i: number) => {
    const items = ref.current?.querySelectorAll<HTMLLIElement>(':scope > li');
    if (!items?.length) return;
    items[Math.max(0, Math.min(items.length - 1, i))]?.focus();
  };
  const onKey = (e: KeyboardEvent<HTMLLIElement>, i: number, item: T) => {
    // Keys on a button or input inside the item are theirs.
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
            tabIndex={i === 0 ? 0 : -1}
            onKeyDown={(e) => onKey(e, i, item)}
            onClick={() => props.onOpen?.(item)}
            data-key={key}
          >
            {props.render(item)}
          </li>
        );
      })}
    </ul>
  );
}
