// Smallest model that triggers ORM110: no primary key.
import { declarativeBase, mapped, Column, Text } from "orm-core";

export const Base = declarativeBase();

@mapped
export class Log extends Base.model("logs", {
  message: Column(Text),
}) {}
