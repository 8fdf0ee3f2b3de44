# Delete: session.delete() and bulk delete().
from sqlalchemy import Column, Integer, String, create_engine, select, delete, func
from sqlalchemy.orm import declarative_base, sessionmaker

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))

engine = create_engine("sqlite:///:memory:")
Base.metadata.create_all(engine)
session = sessionmaker(bind=engine)()
session.add_all([User(name="Alice"), User(name="Bob"), User(name="Carol")])
session.commit()

bob = session.execute(select(User).filter_by(name="Bob")).scalar_one()
session.delete(bob)
session.commit()
print(session.execute(select(User.name).order_by(User.name)).scalars().all())
session.execute(delete(User).where(User.name == "Carol"))
session.commit()
print(session.execute(select(func.count(User.id))).scalar())
print(session.get(User, 2))
