import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import "./styles.css";

async function start() {
  // The mock build (UI tests in a plain browser) answers commands from canned data instead of Rust.
  if (import.meta.env.MODE === "mock") {
    const { installMockIpc } = await import("./ipc/mock");
    installMockIpc();
  }
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void start();
