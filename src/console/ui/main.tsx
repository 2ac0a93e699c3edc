import { render } from 'preact';
import { useApi } from './common';
import { AuditView, HistoryView } from './history';
import { IdentitiesView } from './identities';
import { PolicyView } from './policy';
import { SeeAsView } from './see-as';
import { WhoView } from './who';
import { WhyView } from './why';

// The Scoutr console's page (docs/how-to/use-the-console.md). Each view is an address of its own (/see-as?as=key:public-key), read
// from location on load; forms submit by GET, so every answer can be linked, reloaded and reached by keyboard. Their
// fields are uncontrolled (defaultValue): a re-render while data loads never undoes what a person is typing.

interface Meta {
  items: string;
  item: string;
  key: string;
  itemRoles: string[] | null;
  tables: Record<string, string | undefined>;
  policyFile: string | null;
  audit: boolean;
}

const NAV = [
  ['/identities', 'Identities'],
  ['/see-as', 'See as'],
  ['/why', 'Why'],
  ['/who', 'Who can read'],
  ['/policy', 'Policy'],
  ['/history', 'History'],
  ['/audit', 'Audit'],
] as const;

const VIEWS: Record<string, () => preact.JSX.Element> = {
  '/': IdentitiesView,
  '/identities': IdentitiesView,
  '/see-as': SeeAsView,
  '/why': WhyView,
  '/who': WhoView,
  '/policy': PolicyView,
  '/history': HistoryView,
  '/audit': AuditView,
};

function App() {
  const path = location.pathname === '/' ? '/identities' : location.pathname;
  const View = VIEWS[path] ?? IdentitiesView;
  const { data: meta } = useApi<Meta>('meta', {});
  return (
    <>
      <a class="skip" href="#main">
        Skip to the view
      </a>
      <header>
        <p class="brand">
          <strong>Scoutr console</strong>
          {meta && (
            <span class="where" data-testid="tables">
              {' '}
              {meta.tables.data} · key {meta.key}
              {meta.itemRoles ? ` · item roles ${meta.itemRoles.join(', ')}` : ''}
            </span>
          )}
        </p>
        <nav aria-label="Views">
          <ul>
            {NAV.map(([href, label]) => (
              <li key={href}>
                <a href={href} aria-current={href === path ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <View />
      </main>
    </>
  );
}

const root = document.getElementById('root')!;
root.textContent = ''; // the "Loading…" placeholder: render() adds to what is there, it does not replace it
render(<App />, root);
