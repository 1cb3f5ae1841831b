/**
 * A tiny browser for Min side's end-to-end tests: follows redirects by hand, keeps cookies per host (Secure cookies
 * too: the dev host is plain http on 127.0.0.1, which browsers treat as a secure context) and submits forms.
 */
export class CookieJar {
  readonly byHost = new Map<string, Map<string, string>>();

  store(url: string, response: Response): void {
    const host = new URL(url).host;
    const jar = this.byHost.get(host) ?? new Map<string, string>();
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const maxAge = attrs.map((a) => /^\s*max-age=(-?\d+)/iu.exec(a)?.[1]).find((v) => v !== undefined);
      if (maxAge !== undefined && Number(maxAge) <= 0) jar.delete(name);
      else jar.set(name, value);
    }
    this.byHost.set(host, jar);
  }

  header(url: string): string {
    const jar = this.byHost.get(new URL(url).host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join("; ") : "";
  }

  get(url: string, name: string): string | undefined {
    return this.byHost.get(new URL(url).host)?.get(name);
  }

  set(url: string, name: string, value: string): void {
    const host = new URL(url).host;
    const jar = this.byHost.get(host) ?? new Map<string, string>();
    jar.set(name, value);
    this.byHost.set(host, jar);
  }
}

export interface Visit {
  url: string;
  status: number;
  body: string;
  headers: Headers;
}

export class MiniBrowser {
  readonly jar = new CookieJar();

  /** One request, no redirects followed. */
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Visit> {
    const cookie = this.jar.header(url);
    const response = await fetch(url, {
      method: init.method ?? (init.form ? "POST" : "GET"),
      redirect: "manual",
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(init.form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    this.jar.store(url, response);
    const type = response.headers.get("content-type") ?? "";
    const body = type.startsWith("application/pdf")
      ? `%PDF bytes:${(await response.arrayBuffer()).byteLength}`
      : await response.text();
    return { url, status: response.status, body, headers: response.headers };
  }

  /** A request, then every redirect (303/302 → GET) until a page answers. */
  async go(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Visit> {
    let visit = await this.request(url, init);
    for (let hops = 0; hops < 10 && visit.status >= 300 && visit.status < 400; hops++) {
      visit = await this.request(new URL(visit.headers.get("location")!, visit.url).href);
    }
    return visit;
  }
}

/** The value of `<input … name="{name}" value="…">` in a page. */
export function inputValue(html: string, name: string): string | undefined {
  const match = new RegExp(`name="${name}" value="([^"]*)"`, "u").exec(html);
  return match?.[1];
}

/** Signs in through the local OIDC provider as one of its test persons; returns the overview. */
export async function signInWithLocalBankId(browser: MiniBrowser, base: string, personSub: string): Promise<Visit> {
  const interaction = await browser.go(`${base}/min-side/logg-inn/bankid`);
  // Signed in at the provider already (its session cookie): it answers at once, back on Min side.
  if (interaction.url.startsWith(`${base}/`)) return interaction;
  if (interaction.status !== 200) throw new Error(`interaction page: ${interaction.status}`);
  const action = /action="(\/interaction\/[^"]+\/login)"/u.exec(interaction.body)?.[1];
  if (!action) throw new Error("no login form on the provider's page");
  return browser.go(new URL(action, interaction.url).href, { form: { person: personSub } });
}
