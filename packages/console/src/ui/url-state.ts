import { useCallback, useEffect, useState } from 'preact/hooks';

/** The page's query string as state: every view the console shows can be bookmarked and shared. */
export function useUrlSearch(): [URLSearchParams, (next: URLSearchParams, replace?: boolean) => void] {
  const [search, setSearch] = useState(() => new URLSearchParams(location.search));
  useEffect(() => {
    const onPop = () => setSearch(new URLSearchParams(location.search));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = useCallback((next: URLSearchParams, replace = false) => {
    const text = next.toString();
    const url = `${location.pathname}${text ? `?${text}` : ''}`;
    if (url === `${location.pathname}${location.search}`) return;
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    setSearch(new URLSearchParams(text));
  }, []);
  return [search, navigate];
}
