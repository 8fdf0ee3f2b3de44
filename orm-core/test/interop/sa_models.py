"""
The Python (SQLAlchemy 1.4) half of orm-core's interop suite (interop.test.ts).

It declares the same models as the test does with orm-core and reads/writes
them with the SQLAlchemy ORM, so each side can open the other's database:

    /usr/bin/python3 sa_models.py MODE DB_PATH

    ddl        create_all() on DB_PATH (the test compares sqlite_master)
    write      create_all(), then add the rows given on stdin as
               {"rows": [{column: canonical value}]} through a Session
    read       print {"rows": [{column: {"t": python type name, "v": canonical}}]}
               for every `everything` row (ordered by id), loaded with the ORM
    rel-write  create_all(), then build the author/book/genre graph given on
               stdin through relationships (never by setting foreign keys)
    rel-read   print the graph loaded with selectinload()

Canonical values (JSON-safe, the same both ways): integers as decimal strings,
floats as repr(), Decimal and UUID as str(), date/time/datetime as isoformat(),
bytes as lowercase hex, JSON documents as themselves.
"""
import sys
import json

try:
    import sqlalchemy
    from sqlalchemy import (
        Column, Integer, BigInteger, String, Text, Boolean, Float, Numeric, DateTime, Date, Time, JSON,
        LargeBinary, Enum, ForeignKey, Table, CHAR, create_engine, select,
    )
    from sqlalchemy.types import TypeDecorator
    from sqlalchemy.orm import declarative_base, relationship, Session, selectinload
except ImportError as exc:  # the test turns this into a failure that says what to install
    sys.stderr.write(
        "SQLAlchemy is not importable by %s (%s). Install it with: apt-get install python3-sqlalchemy\n"
        % (sys.executable, exc))
    sys.exit(3)

import datetime
import decimal
import uuid
import warnings

# Numeric on SQLite goes through floats; SQLAlchemy warns about it on every use.
warnings.filterwarnings("ignore", message=".*does \\*not\\* support Decimal objects natively.*")


class _Uuid14(TypeDecorator):
    """SQLAlchemy 2.0's `Uuid` as it is on SQLite (CHAR(32) of lowercase hex digits,
    uuid.UUID in Python), for SQLAlchemy 1.4 which doesn't have it."""
    impl = CHAR(32)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return value.hex if isinstance(value, uuid.UUID) else value.replace("-", "")

    def process_result_value(self, value, dialect):
        return None if value is None else uuid.UUID(value)


Uuid = getattr(sqlalchemy, "Uuid", None) or _Uuid14

Base = declarative_base()


class Everything(Base):
    __tablename__ = "everything"
    id = Column(Integer, primary_key=True)
    label = Column(String(40), nullable=False, unique=True)
    int_v = Column(Integer)
    big_v = Column(BigInteger)
    bigx_v = Column(BigInteger)
    str_v = Column(String(40))
    text_v = Column(Text)
    bool_v = Column(Boolean)
    float_v = Column(Float)
    num_v = Column(Numeric(10, 2))
    dt_v = Column(DateTime)
    date_v = Column(Date)
    time_v = Column(Time)
    json_v = Column(JSON)
    bin_v = Column(LargeBinary)
    uuid_v = Column(Uuid)
    enum_v = Column(Enum("draft", "published", "archived", name="status"), index=True)


book_genres = Table(
    "book_genres", Base.metadata,
    Column("book_id", Integer, ForeignKey("books.id"), primary_key=True),
    Column("genre_id", Integer, ForeignKey("genres.id"), primary_key=True),
)


class Author(Base):
    __tablename__ = "authors"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    books = relationship("Book", back_populates="author")


class Book(Base):
    __tablename__ = "books"
    id = Column(Integer, primary_key=True)
    title = Column(String(100), nullable=False)
    author_id = Column(Integer, ForeignKey("authors.id"))
    author = relationship("Author", back_populates="books")
    genres = relationship("Genre", secondary=book_genres, back_populates="books")


class Genre(Base):
    __tablename__ = "genres"
    id = Column(Integer, primary_key=True)
    name = Column(String(30), nullable=False, unique=True)
    books = relationship("Book", secondary=book_genres, back_populates="genres")


# ---- canonical <-> Python values, by column -----------------------------------

_identity = lambda v: v  # noqa: E731

FROM_CANONICAL = {
    "id": int,
    "label": str,
    "int_v": int,
    "big_v": int,
    "bigx_v": int,
    "str_v": str,
    "text_v": str,
    "bool_v": bool,
    "float_v": float,  # float("inf") and repr() round-trip
    "num_v": decimal.Decimal,
    "dt_v": datetime.datetime.fromisoformat,
    "date_v": datetime.date.fromisoformat,
    "time_v": datetime.time.fromisoformat,
    "json_v": _identity,
    "bin_v": bytes.fromhex,
    "uuid_v": uuid.UUID,
    "enum_v": str,
}


def to_canonical(column, v):
    if v is None or column == "json_v":  # JSON documents are themselves
        return v
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (decimal.Decimal, uuid.UUID)):
        return str(v)
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, bytes):
        return v.hex()
    return v  # str, and JSON documents (dict, list, ...)


def json_type(v):
    return type(v).__name__


COLUMNS = [c.key for c in Everything.__table__.columns]


def engine_for(path):
    return create_engine("sqlite:///" + path, future=True)


def write(path, spec):
    engine = engine_for(path)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        for row in spec["rows"]:
            unknown = set(row) - set(COLUMNS)
            if unknown:
                raise SystemExit("unknown columns %s" % sorted(unknown))
            # None is set explicitly, as orm-core's writer does: SQL NULL, except JSON, which
            # stores the JSON text 'null' (JSON.none_as_null is False by default).
            session.add(Everything(**{k: None if v is None else FROM_CANONICAL[k](v) for k, v in row.items()}))
        session.commit()


def read(path):
    engine = engine_for(path)
    with Session(engine) as session:
        rows = []
        for obj in session.scalars(select(Everything).order_by(Everything.id)):
            rows.append({k: {"t": json_type(getattr(obj, k)), "v": to_canonical(k, getattr(obj, k))} for k in COLUMNS})
    json.dump({"sqlalchemy": sqlalchemy.__version__, "rows": rows}, sys.stdout)


def rel_write(path, spec):
    engine = engine_for(path)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        genres = {name: Genre(name=name) for name in spec["genres"]}
        session.add_all(genres.values())
        for a in spec["authors"]:
            author = Author(name=a["name"])
            for b in a["books"]:
                author.books.append(Book(title=b["title"], genres=[genres[g] for g in b["genres"]]))
            session.add(author)
        for b in spec["books_without_author"]:
            session.add(Book(title=b["title"], genres=[genres[g] for g in b["genres"]]))
        session.commit()


def rel_read(path):
    engine = engine_for(path)
    with Session(engine) as session:
        authors = session.scalars(
            select(Author).options(selectinload(Author.books).selectinload(Book.genres))).all()
        genres = session.scalars(select(Genre).options(selectinload(Genre.books))).all()
        books = session.scalars(select(Book).options(selectinload(Book.author))).all()
        graph = {
            "authors": sorted(
                ({"name": a.name,
                  "books": sorted(({"title": b.title, "genres": sorted(g.name for g in b.genres)} for b in a.books),
                                  key=lambda b: b["title"])}
                 for a in authors), key=lambda a: a["name"]),
            "genres": sorted(({"name": g.name, "books": sorted(b.title for b in g.books)} for g in genres),
                             key=lambda g: g["name"]),
            "books": sorted(({"title": b.title, "author": b.author.name if b.author else None} for b in books),
                            key=lambda b: b["title"]),
        }
    json.dump(graph, sys.stdout)


def main(argv):
    if len(argv) != 3:
        raise SystemExit("usage: sa_models.py ddl|write|read|rel-write|rel-read DB_PATH")
    mode, path = argv[1], argv[2]
    if mode == "ddl":
        Base.metadata.create_all(engine_for(path))
    elif mode == "write":
        write(path, json.load(sys.stdin))
    elif mode == "read":
        read(path)
    elif mode == "rel-write":
        rel_write(path, json.load(sys.stdin))
    elif mode == "rel-read":
        rel_read(path)
    else:
        raise SystemExit("unknown mode %r" % mode)


if __name__ == "__main__":
    main(sys.argv)
