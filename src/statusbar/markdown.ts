/** Markdown for the status bar tooltip: server text and labels must never become markup there. */

/**
 * Backslash-escapes every ASCII punctuation character, which CommonMark then renders literally: no
 * emphasis, links, images, autolinks (`https\://`, `www\.`), HTML, table pipes or theme icons (`\$(`)
 * can come out of a label or a server message. Line breaks become spaces so a table row stays one row.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}
