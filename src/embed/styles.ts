/** The element's shadow styles; every color, size and font is a custom property with a default. */
export const STYLES = `
:host{display:block;font:var(--bunsen-font,inherit);color:var(--bunsen-color,inherit);background:var(--bunsen-background,transparent);max-width:var(--bunsen-max-width,32rem)}
:host([hidden]),[hidden]{display:none!important}
form{display:grid;gap:var(--bunsen-gap,.75rem)}
[part~=field]{display:grid;gap:.25rem}
[part~=label]{font-weight:600}
[part~=input]{font:inherit;color:inherit;padding:.4rem .5rem;border:1px solid var(--bunsen-border-color,#8888);border-radius:var(--bunsen-radius,.375rem);background:var(--bunsen-input-background,transparent)}
[part~=input][aria-invalid=true]{border-color:var(--bunsen-error-color,#c92a2a)}
[part~=field-error],[part~=error]{color:var(--bunsen-error-color,#c92a2a);margin:0}
[part~=submit]{font:inherit;justify-self:start;padding:.45rem 1rem;border:0;border-radius:var(--bunsen-radius,.375rem);background:var(--bunsen-accent,#e8590c);color:var(--bunsen-accent-text,#fff);cursor:pointer}
[part~=submit]:disabled{opacity:.6;cursor:default}
[part~=result]{margin-top:var(--bunsen-gap,.75rem)}
[part~=prediction]{margin:0 0 .5rem;font-size:1.15em}
[part~=prediction-value]{font-weight:700}
[part~=probabilities]{list-style:none;margin:0;padding:0;display:grid;gap:.3rem}
[part~=probability]{display:grid;grid-template-columns:minmax(4rem,auto) 1fr 3.5rem;gap:.5rem;align-items:center}
[part~=bar]{height:var(--bunsen-bar-height,.6rem);background:var(--bunsen-bar-background,#8883);border-radius:var(--bunsen-radius,.375rem);overflow:hidden}
[part~=bar-fill]{display:block;height:100%;background:var(--bunsen-bar-color,var(--bunsen-accent,#e8590c))}
[part~=percent]{text-align:right;font-variant-numeric:tabular-nums}
[part~=status]{opacity:.7;margin:0}
`;
