/**
 * Mailing-list links for a source: every Message-ID a source names in angle
 * brackets (<id@host>) becomes the lore.kernel.org address of the message,
 * the way kernel commits cite a thread (`Link: https://lore.kernel.org/all/<id>/`).
 */

const MESSAGE_ID = /<([^<>\s@]+@[^<>\s@]+)>/g;

/** The Message-IDs `source` names in angle brackets, each once, in order. */
export function messageIds(source: string): string[] {
  return [...new Set([...source.matchAll(MESSAGE_ID)].map((m) => m[1]!))];
}

/** lore's address of a message; characters a URL path cannot hold (such as '/') are percent-encoded, as public-inbox does. */
export function loreLink(messageId: string): string {
  return `https://lore.kernel.org/all/${messageId.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@]/g, (c) => encodeURIComponent(c))}/`;
}
