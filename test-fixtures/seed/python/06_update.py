# Update: change an attribute and commit; bulk update().
from sqlalchemy import Column, Integer, String, create_engine, select, update
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
session.add_all([User(name="Alice", age=30), User(name="Bob", age=25)])
session.commit()

bob = session.execute(select(User).filter_by(name="Bob")).scalar_one()
bob.age = 26
print(bob in session.dirty)
session.commit()
print(bob.age)
session.execute(update(User).where(User.age < 30).values(age=User.age + 10))
session.commit()
print([(u.name, u.age) for u in session.execute(select(User).order_by(User.id)).scalars()])
