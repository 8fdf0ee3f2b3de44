# Filter: where(), filter_by(), like, in_, and_/or_.
from sqlalchemy import Column, Integer, String, create_engine, select, and_, or_
from sqlalchemy.orm import declarative_base, sessionmaker

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
    age = Column(Integer)

engine = create_engine("sqlite:///:memory:")
Base.metadata.create_all(engine)
session = sessionmaker(bind=engine)()
session.add_all([User(name="Alice", age=30), User(name="Bob", age=25), User(name="Carol", age=35), User(name="Dave", age=28)])
session.commit()

print([u.name for u in session.execute(select(User).where(User.age > 28).order_by(User.name)).scalars()])
print([u.name for u in session.execute(select(User).filter_by(name="Dave")).scalars()])
print([u.name for u in session.execute(select(User).where(User.name.like("%a%")).order_by(User.id)).scalars()])
print([u.id for u in session.execute(select(User).where(User.name.in_(["Alice", "Carol"])).order_by(User.id)).scalars()])
print([u.name for u in session.execute(select(User).where(or_(User.age < 26, and_(User.age > 30, User.name != "Bob"))).order_by(User.name)).scalars()])
