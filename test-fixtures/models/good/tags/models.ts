// A valid many-to-many across two files' worth of classes: articles ↔ keywords through a named table.
import { declarativeBase, mapped, Column, Integer, String, ForeignKey, relationship, Table } from "orm-core";

export const Base = declarativeBase();

Table("article_keywords", Base.metadata,
  Column("article_id", Integer, ForeignKey("articles.id"), { primaryKey: true }),
  Column("keyword_id", Integer, ForeignKey("keywords.id"), { primaryKey: true }),
);

@mapped
export class Article extends Base.model("articles", {
  id: Column(Integer, { primaryKey: true }),
  headline: Column(String(200), { nullable: false }),
  keywords: relationship<Keyword[]>("Keyword", { secondary: "article_keywords", backref: "articles" }),
}) {}

@mapped
export class Keyword extends Base.model("keywords", {
  id: Column(Integer, { primaryKey: true }),
  word: Column(String(50), { nullable: false, unique: true }),
}) {}
