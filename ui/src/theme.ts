/** The OS's own choice between light and dark. */
const systemDark = window.matchMedia("(prefers-color-scheme: dark)");
let chosen = "system";

function paint() {
  const theme = chosen === "system" ? (systemDark.matches ? "dark" : "light") : chosen;
  document.documentElement.dataset.theme = theme;
}

// "As the system" follows the OS when it changes, without a restart.
systemDark.addEventListener("change", paint);

/** The theme Settings chose (`system`, `light`, `dark`), on the page's root as `light` or `dark`. */
export function applyTheme(theme: string) {
  chosen = theme;
  paint();
}
