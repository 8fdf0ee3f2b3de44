# Add and commit: several objects, generated keys.
from sqlalchemy import Column, Integer, String, create_engine, select
from sqlalchemy.orm import declarative_base, sessionmaker

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
    age = Column(Integer)

engine = create_engine("sqlite:///:memory:")
Base.metadata.create_all(engine)
Session = sessionmaker(bind=engine)
session = Session()

session.add_all([User(name="Alice", age=30), User(name="Bob", age=25), User(name="Carol", age=35)])
session.commit()
print([u.id for u in session.execute(select(User).order_by(User.id)).scalars()])
print(session.execute(select(User.name).order_by(User.name)).scalars().all())
