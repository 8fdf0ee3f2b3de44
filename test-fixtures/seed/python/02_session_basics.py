# Session basics: add, flush, identity map.
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import declarative_base, sessionmaker

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))

engine = create_engine("sqlite:///:memory:")
Base.metadata.create_all(engine)
Session = sessionmaker(bind=engine)
session = Session()

alice = User(name="Alice")
session.add(alice)
print(alice in session.new)
session.flush()
print(alice.id)
print(session.get(User, 1) is alice)
print(len(session.new))
