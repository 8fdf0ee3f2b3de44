# Query: select(), order_by, scalars, rows.
from sqlalchemy import Column, Integer, String, create_engine, select, func
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
session.add_all([User(name="Alice", age=30), User(name="Bob", age=25), User(name="Carol", age=35)])
session.commit()

users = session.execute(select(User).order_by(User.age)).scalars().all()
print([u.name for u in users])
for name, age in session.execute(select(User.name, User.age).order_by(User.name.desc())):
    print(name, age)
print(session.execute(select(func.count()).select_from(User)).scalar())
print(session.execute(select(User).where(User.name == "Bob")).scalar_one().age)
