# Cascade delete: "all, delete-orphan".
from sqlalchemy import Column, Integer, String, ForeignKey, create_engine, select, func
from sqlalchemy.orm import declarative_base, relationship, sessionmaker

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
    posts = relationship("Post", back_populates="author", cascade="all, delete-orphan")

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    title = Column(String(100))
    user_id = Column(Integer, ForeignKey("users.id"))
    author = relationship("User", back_populates="posts")

engine = create_engine("sqlite:///:memory:")
Base.metadata.create_all(engine)
session = sessionmaker(bind=engine)()

alice = User(name="Alice", posts=[Post(title="a"), Post(title="b"), Post(title="c")])
session.add(alice)
session.commit()
alice.posts.remove(alice.posts[0])
session.commit()
print(session.execute(select(Post.title).order_by(Post.title)).scalars().all())
session.delete(alice)
session.commit()
print(session.execute(select(func.count(Post.id))).scalar())
