# One-to-many: relationship() with back_populates.
from sqlalchemy import Column, Integer, String, ForeignKey, create_engine, select
from sqlalchemy.orm import declarative_base, relationship, sessionmaker

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
    posts = relationship("Post", back_populates="author")

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    title = Column(String(100))
    user_id = Column(Integer, ForeignKey("users.id"))
    author = relationship("User", back_populates="posts")

engine = create_engine("sqlite:///:memory:")
Base.metadata.create_all(engine)
session = sessionmaker(bind=engine)()

alice = User(name="Alice")
alice.posts.append(Post(title="First post"))
alice.posts.append(Post(title="Second post"))
print(alice.posts[0].author.name)
session.add(alice)
session.commit()
print([p.title for p in alice.posts])
post = session.execute(select(Post).filter_by(title="Second post")).scalar_one()
print(post.author.name, post.user_id)
