import { type FormEvent, useState } from 'react';

import { type Session, sessionForKey, signIn } from '../api/session';
import { ErrorText } from '../ui/status';

/** E-mail + password (+ tenant slug) through `login`, or a pasted API key. */
export function SignInPage(props: { onSignedIn: (s: Session) => void }) {
  const [mode, setMode] = useState<'password' | 'key'>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [tenant, setTenant] = useState('');
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onSignedIn(
        mode === 'password'
          ? await signIn(email, password, tenant.trim())
          : await sessionForKey(key.trim()),
      );
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <div className="sign-in">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to Vigil</h1>
        <div className="tabs" role="tablist">
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'password'}
            onClick={() => setMode('password')}
          >
            E-mail and password
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={mode === 'key'}
            onClick={() => setMode('key')}
          >
            API key
          </button>
        </div>
        {mode === 'password' ? (
          <>
            <label>
              E-mail
              <input
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </label>
            <label>
              Password
              <input
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
            <label>
              Tenant (slug; optional when you belong to one)
              <input value={tenant} onChange={(e) => setTenant(e.target.value)} />
            </label>
          </>
        ) : (
          <label>
            API key
            <input type="password" required value={key} onChange={(e) => setKey(e.target.value)} />
          </label>
        )}
        <ErrorText error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
