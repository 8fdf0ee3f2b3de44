# Many-to-many: an association table as secondary.
from sqlalchemy import Column, Integer, String, ForeignKey, Table, create_engine, select
from sqlalchemy.orm import declarative_base, relationship, sessionmaker

Base = declarative_base()

post_tags = Table(
    "post_tags", Base.metadata,
    Column("post_id", Integer, ForeignKey("posts.id"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tags.id"), primary_key=True),
)

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    title = Column(String(100))
    tags = relationship("Tag", secondary=post_tags, back_populates="posts")

class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    name = Column(String(30))
    posts = relationship("Post", secondary=post_tags, back_populates="tags")

engine = create_engine("sqlite:///:memory:")
Base.metadata.create_all(engine)
session = sessionmaker(bind=engine)()

python, sql = Tag(name="python"), Tag(name="sql")
session.add_all([Post(title="ORM intro", tags=[python, sql]), Post(title="Queries", tags=[sql])])
session.commit()
print(sorted(t.name for t in session.execute(select(Post).filter_by(title="ORM intro")).scalar_one().tags))
print(sorted(p.title for p in sql.posts))
print(len(python.posts))
