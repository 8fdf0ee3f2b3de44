# Eager loading: selectinload and joinedload.
from sqlalchemy import Column, Integer, String, ForeignKey, create_engine, select, event
from sqlalchemy.orm import declarative_base, relationship, sessionmaker, selectinload, joinedload

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
    posts = relationship("Post", back_populates="author", order_by="Post.id")

class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    title = Column(String(100))
    user_id = Column(Integer, ForeignKey("users.id"))
    author = relationship("User", back_populates="posts")

engine = create_engine("sqlite:///:memory:")
Base.metadata.create_all(engine)
Session = sessionmaker(bind=engine)
session = Session()
session.add_all([User(name="Alice", posts=[Post(title="a1"), Post(title="a2")]), User(name="Bob", posts=[Post(title="b1")])])
session.commit()
session.close()

statements = []
event.listen(engine, "before_cursor_execute", lambda conn, cursor, stmt, params, ctx, many: statements.append(stmt))

session = Session()
users = session.execute(select(User).options(selectinload(User.posts)).order_by(User.id)).scalars().all()
print([[p.title for p in u.posts] for u in users])
print(len(statements))
session.close()
statements.clear()
session = Session()
users = session.execute(select(User).options(joinedload(User.posts)).order_by(User.id)).unique().scalars().all()
print([len(u.posts) for u in users])
print(len(statements))
