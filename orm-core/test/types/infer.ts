/**
 * Type tests, checked by `tsc -p orm-core/test/types` (npm run typecheck).
 * Each `Expect<Equal<...>>` fails to compile when a rule breaks; each
 * `@ts-expect-error` fails when a misuse stops being an error.
 */
import {
  declarativeBase, mapped, Column, Integer, String, DateTime, Boolean, Numeric, JSON, ForeignKey, relationship, select,
  createEngine, sessionmaker, BigInteger, columnProperty, func, type ColumnElement, type InstrumentedAttribute, type RelationshipAttribute,
  type ColumnPropertyAttribute, synonym, type SynonymAttribute,
} from "../../src/index";

type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends (<T>() => T extends Y ? 1 : 2) ? true : false;
type Expect<T extends true> = T;

const Base = declarativeBase();

@mapped
class User extends Base.model("users", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50), { nullable: false }),
  email: Column(String(100)),
  active: Column(Boolean),
  balance: Column(Numeric),
  big: Column(BigInteger({ asBigInt: true })),
  created: Column(DateTime),
  prefs: Column(JSON),
  posts: relationship<Post[]>("Post", { backPopulates: "author" }),
}) {}

@mapped
class Post extends Base.model("posts", {
  id: Column(Integer, { primaryKey: true }),
  user_id: Column(Integer, ForeignKey("users.id")),
  author: relationship<User>("User", { backPopulates: "posts" }),
}) {}

declare const u: User;
declare const p: Post;
export type Tests = [
  Expect<Equal<User["id"], number>>,
  Expect<Equal<User["name"], string>>,
  Expect<Equal<User["email"], string | null>>,
  Expect<Equal<User["active"], boolean | null>>,
  Expect<Equal<User["balance"], string | null>>,
  Expect<Equal<User["big"], bigint | null>>,
  Expect<Equal<User["created"], Date | null>>,
  Expect<Equal<User["posts"], Post[]>>,
  Expect<Equal<Post["author"], User | null>>,
  Expect<Equal<typeof User.name, InstrumentedAttribute<string>>>,
  Expect<Equal<typeof User.email, InstrumentedAttribute<string | null>>>,
  Expect<Equal<typeof User.posts, RelationshipAttribute<Post[]>>>,
];

const engine = createEngine("sqlite:///:memory:");
const session = sessionmaker({ bind: engine })();
const users = session.scalars(select(User)).all();
const names = session.execute(select(User.name, User.id)).all();
export type ResultTests = [
  Expect<Equal<typeof users, User[]>>,
  Expect<Equal<(typeof names)[number][0], string>>,
  Expect<Equal<(typeof names)[number][1], number>>,
  Expect<Equal<ReturnType<typeof session.get<User>>, User | null>>,
];
const cond: ColumnElement<boolean> = User.name.like("A%");
void cond; void u; void p;

new User({ name: "x", posts: [new Post()] });
// @ts-expect-error unknown attribute in the constructor
new User({ nmae: "x" });
// @ts-expect-error wrong value type for a column
new User({ name: 5 });
// @ts-expect-error name is NOT NULL, so null is not assignable
u.name = null;
// @ts-expect-error comparing a string column with a number
User.name.eq(5);
// @ts-expect-error a collection is not a scalar
p.author = [u];
// @ts-expect-error Column() needs a type first
Column({ primaryKey: true });

// ---- write-only collections and association proxies ------------------------------------
import { WriteOnlyCollection, associationProxy, Table, type AssociationProxyAttribute } from "../../src/index";

const Base2 = declarativeBase();
Table("author_tags", Base2.metadata, Column("author_id", Integer, ForeignKey("authors.id")), Column("tag_id", Integer, ForeignKey("tags.id")));
@mapped
class Author extends Base2.model("authors", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50), { nullable: false }),
  nick: Column(String(50)),
  articles: relationship<WriteOnlyCollection<Article>>("Article", { lazy: "write_only", backPopulates: "author" }),
  tags: relationship<Tag[]>("Tag", { secondary: "author_tags" }),
  tagNames: associationProxy("tags", "name"),
  tagNicks: associationProxy<string[]>("tags", "name", { creator: (name) => new Tag({ name }) }),
  tagNames2: associationProxy("tags", "name", { creator: (name: string) => new Tag({ name }) }),
}) {}
@mapped
class Article extends Base2.model("articles", {
  id: Column(Integer, { primaryKey: true }),
  author_id: Column(Integer, ForeignKey("authors.id")),
  author: relationship<Author>("Author", { backPopulates: "articles" }),
  authorName: associationProxy("author", "name"),
  authorNick: associationProxy("author", "nick"),
  authorLabel: associationProxy<string>("author", "name"),
}) {}
@mapped
class Tag extends Base2.model("tags", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(20), { nullable: false }),
  authors: relationship<Author[]>("Author", { secondary: "author_tags" }),
  authorNames: associationProxy("authors", "name"),
}) {}

declare const author: Author;
declare const article: Article;
export type ProxyTests = [
  Expect<Equal<Author["articles"], WriteOnlyCollection<Article>>>,
  Expect<Equal<typeof Author.articles, RelationshipAttribute<WriteOnlyCollection<Article>>>>,
  Expect<Equal<ReturnType<Author["articles"]["select"]>, import("../../src/index").Select<[Article]>>>,
  Expect<Equal<Author["tagNames"], string[]>>,
  Expect<Equal<Author["tagNicks"], string[]>>,
  Expect<Equal<Author["tagNames2"], string[]>>,
  Expect<Equal<Tag["authorNames"], string[]>>,
  Expect<Equal<Article["authorName"], string | null>>,
  Expect<Equal<Article["authorNick"], string | null>>,
  Expect<Equal<Article["authorLabel"], string | null>>,
  Expect<Equal<typeof Author.tagNames, AssociationProxyAttribute<string>>>,
  Expect<Equal<typeof Article.authorName, AssociationProxyAttribute<string>>>,
];
new Author({ name: "a", articles: [new Article()] }); // a new object takes a list for its write-only collection
author.articles.add(article);
author.tagNames.push("x");
author.tagNames = ["a", "b"];
article.authorName = "someone";
Author.tagNames.contains("x");
// @ts-expect-error a write-only collection can't be iterated
for (const a of author.articles) void a;
// @ts-expect-error wrong item type for a write-only collection
author.articles.add(author);
// @ts-expect-error the proxied values are strings
author.tagNames.push(5);
// @ts-expect-error the creator of a string proxy takes a string
associationProxy<string[]>("tags", "name", { creator: (n: number) => new Tag({ name: `${n}` }) });
// @ts-expect-error contains() takes the proxied value type
Author.tagNames.contains(5);
void author; void article;

// columnProperty(): read-only on instances, a ColumnPropertyAttribute (a ColumnElement) on the class.
@mapped
class Writer extends Base.model("writers", {
  id: Column(Integer, { primaryKey: true }),
  first: Column(String(20), { nullable: false }),
  last: Column(String(20)),
  fullName: columnProperty<string | null>((cls) => cls.first.concat(" ").concat(cls.last)),
  bookCount: columnProperty((cls) => select(func.count(Book.id)).where(Book.author_id.eq(cls.id)).scalarSubquery()),
}) {}
@mapped
class Book extends Base.model("books", {
  id: Column(Integer, { primaryKey: true }),
  author_id: Column(Integer, ForeignKey("authors.id")),
}) {}
declare const a: Writer;
export type ColumnPropertyTests = [
  Expect<Equal<Writer["fullName"], string | null>>,
  Expect<Equal<Writer["bookCount"], number>>,
  Expect<Equal<Writer["first"], string>>,
  Expect<Equal<typeof Writer.bookCount, ColumnPropertyAttribute<number>>>,
];
const counts = session.execute(select(Writer.first, Writer.bookCount)).all();
export type ColumnPropertyResultTests = [Expect<Equal<(typeof counts)[number][1], number>>];
const byCount: ColumnElement<boolean> = Writer.bookCount.gt(2);
void byCount;
a.first = "x";
// @ts-expect-error a column property is read-only
a.bookCount = 3;
// @ts-expect-error the constructor doesn't take column properties
new Writer({ first: "x", fullName: "x y" });
// @ts-expect-error the function must return a SQL expression
columnProperty(() => 42);

// synonym(): the instance type is the target column's; the class attribute is a SynonymAttribute of it.
@mapped
class Nick extends Base.model("nicks", {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(20), { nullable: false }),
  note: Column(String(20)),
  handle: synonym("name"),
  remark: synonym("note"),
}) {}
declare const nick: Nick;
export type SynonymTests = [
  Expect<Equal<Nick["handle"], string>>,
  Expect<Equal<Nick["remark"], string | null>>,
  Expect<Equal<typeof Nick.handle, SynonymAttribute<string>>>,
];
nick.handle = "x";
new Nick({ handle: "x", remark: null });
const byHandle: ColumnElement<boolean> = Nick.handle.eq("x");
void byHandle;
const handles = session.execute(select(Nick.handle)).all();
export type SynonymResultTests = [Expect<Equal<(typeof handles)[number][0], string>>];
// @ts-expect-error a synonym takes the target column's type
nick.handle = 5;
