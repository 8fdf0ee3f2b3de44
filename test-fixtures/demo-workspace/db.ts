// The demo's engine and session factory.
import { createEngine, sessionmaker } from "orm-core";

export const engine = createEngine("sqlite:///demo.db");
export const Session = sessionmaker({ bind: engine });
