# Declarative base: classes become tables.
from sqlalchemy import Column, Integer, String, create_engine, inspect
from sqlalchemy.orm import declarative_base

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False)
    email = Column(String(100))

    def __repr__(self):
        return f"User(id={self.id}, name='{self.name}')"

engine = create_engine("sqlite:///:memory:")
Base.metadata.create_all(engine)
print(sorted(Base.metadata.tables))
print([c.name for c in User.__table__.columns])
print(inspect(engine).get_table_names())
print(User(name="Alice"))
