// A minimal browser for the interop tests: fetch with a cookie jar and redirects followed
// by hand, so the test sees every hop and stops at the relying party's redirect URI.

export class Browser {
  constructor() {
    /** @type {Map<string, string>} cookie name -> value (one host: Poort's) */
    this.cookies = new Map();
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  remember(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(url, { method = 'GET', form } = {}) {
    const headers = { cookie: this.cookieHeader(), 'accept-language': 'en' };
    let body;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    this.remember(response);
    return response;
  }

  /**
   * Follows redirects from `url` until one leaves for `stopPrefix` (returned as a URL,
   * not fetched) or a page answers (returned as { response, url, html }).
   */
  async follow(url, stopPrefix, init = {}) {
    let current = new URL(url);
    let response = await this.request(current, init);
    for (let hops = 0; hops < 20; hops++) {
      if (response.status < 300 || response.status >= 400) {
        return { response, url: current, html: await response.text() };
      }
      const location = response.headers.get('location');
      if (!location) throw new Error(`redirect ${response.status} without Location from ${current}`);
      const next = new URL(location, current);
      if (stopPrefix && next.href.startsWith(stopPrefix)) return { redirect: next };
      current = next;
      response = await this.request(current);
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/** The value of `<input type="hidden" name="NAME" value="…">` (first occurrence). */
export function hiddenInput(html, name) {
  const m = html.match(new RegExp(`name="${name}"\\s+value="([^"]*)"`));
  return m ? decodeEntities(m[1]) : undefined;
}

function decodeEntities(s) {
  return s
    .replaceAll('&quot;', '"')
    .replaceAll('&#34;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/** Every `<form>` of a page: action, method and its named inputs (hidden and buttons). */
export function forms(html) {
  const out = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = m[1];
    const action = decodeEntities((attrs.match(/action="([^"]*)"/) || [])[1] || '');
    const method = ((attrs.match(/method="([^"]*)"/) || [])[1] || 'get').toLowerCase();
    const fields = {};
    const buttons = [];
    for (const i of m[2].matchAll(/<(input|button)\b([^>]*)>/g)) {
      const name = (i[2].match(/name="([^"]*)"/) || [])[1];
      if (!name) continue;
      const value = decodeEntities((i[2].match(/value="([^"]*)"/) || [])[1] || '');
      const type = ((i[2].match(/type="([^"]*)"/) || [])[1] || (i[1] === 'button' ? 'submit' : 'text')).toLowerCase();
      if (type === 'submit') buttons.push({ name, value });
      else if (type === 'hidden' || type === 'radio' || type === 'checkbox') {
        if (!(name in fields) || /checked/.test(i[2])) fields[name] = value;
      }
    }
    out.push({ action, method, fields, buttons });
  }
  return out;
}
