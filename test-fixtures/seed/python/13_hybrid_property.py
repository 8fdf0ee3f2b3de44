# Hybrid property: one definition for instances and for SQL.
from sqlalchemy import Column, Integer, String, create_engine, select
from sqlalchemy.orm import declarative_base, sessionmaker
from sqlalchemy.ext.hybrid import hybrid_property

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    first_name = Column(String(50))
    last_name = Column(String(50))

    @hybrid_property
    def full_name(self):
        return self.first_name + " " + self.last_name

    @full_name.expression
    def full_name(cls):
        return cls.first_name + " " + cls.last_name

engine = create_engine("sqlite:///:memory:")
Base.metadata.create_all(engine)
session = sessionmaker(bind=engine)()
session.add_all([User(first_name="Alice", last_name="Smith"), User(first_name="Bob", last_name="Jones")])
session.commit()

print(session.get(User, 1).full_name)
print(session.execute(select(User).where(User.full_name == "Bob Jones")).scalar_one().id)
print(session.execute(select(User.full_name).order_by(User.full_name)).scalars().all())
