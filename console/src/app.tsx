import { useCallback, useState } from 'react';

import {
  isAdmin,
  type Session,
  SessionProvider,
  storedSession,
  storeSession,
  useSession,
} from './api/session';
import { AnomaliesPage } from './pages/anomalies';
import { ExplorePage } from './pages/explore';
import { ForecastsPage } from './pages/forecasts';
import { LivePage } from './pages/live';
import { PatternsPage } from './pages/patterns';
import { RunbooksPage } from './pages/runbooks';
import { SettingsPage } from './pages/settings';
import { SignInPage } from './pages/sign-in';
import { navigate, usePlace } from './ui/router';

const PAGES = [
  { path: '/live', label: 'Live', adminOnly: false },
  { path: '/explore', label: 'Explore', adminOnly: false },
  { path: '/patterns', label: 'Patterns', adminOnly: false },
  { path: '/anomalies', label: 'Anomalies', adminOnly: false },
  { path: '/forecasts', label: 'Forecasts', adminOnly: false },
  { path: '/runbooks', label: 'Runbooks', adminOnly: false },
  { path: '/settings', label: 'Settings', adminOnly: true },
] as const;

/** The console: the sign-in form until there is a session, then the pages. */
export function App() {
  const [session, setSession] = useState<Session | null>(storedSession);
  const signedIn = useCallback((s: Session) => {
    storeSession(s);
    setSession(s);
  }, []);
  const signOut = useCallback(() => {
    storeSession(null);
    setSession(null);
  }, []);
  if (!session) return <SignInPage onSignedIn={signedIn} />;
  return (
    <SessionProvider key={session.token} session={session} onSignOut={signOut}>
      <Shell />
    </SessionProvider>
  );
}

function Shell() {
  const { session, signOut } = useSession();
  const place = usePlace();
  const [menuOpen, setMenuOpen] = useState(false);
  const pages = PAGES.filter((p) => !p.adminOnly || isAdmin(session));
  const current = pages.find((p) => place.path.startsWith(p.path))?.path ?? '/live';
  const go = (path: string) => {
    setMenuOpen(false);
    navigate(path);
  };
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Vigil</span>
        <button
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((o) => !o)}
        >
          Menu
        </button>
        <nav id="main-nav" className={menuOpen ? 'open' : ''} aria-label="Main">
          {pages.map((p) => (
            <a
              key={p.path}
              href={p.path}
              aria-current={current === p.path ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                go(p.path);
              }}
            >
              {p.label}
            </a>
          ))}
        </nav>
        <span className="who">
          {session.email ?? 'API key'}
          {session.tenant ? ` · ${session.tenant}` : ''} · {session.role}
        </span>
        <button className="sign-out" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <Page path={current} />
      </main>
    </div>
  );
}

function Page(props: { path: string }) {
  switch (props.path) {
    case '/explore':
      return <ExplorePage />;
    case '/patterns':
      return <PatternsPage />;
    case '/anomalies':
      return <AnomaliesPage />;
    case '/forecasts':
      return <ForecastsPage />;
    case '/runbooks':
      return <RunbooksPage />;
    case '/settings':
      return <SettingsPage />;
    default:
      return <LivePage />;
  }
}
