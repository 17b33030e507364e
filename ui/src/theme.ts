/** The theme Settings chose, on the page's root: `system` follows the OS's light or dark. */
export function applyTheme(theme: string) {
  document.documentElement.dataset.theme = theme;
}
