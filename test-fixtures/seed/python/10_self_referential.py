# Self-referential: an adjacency list with remote_side and backref.
from sqlalchemy import Column, Integer, String, ForeignKey, create_engine, select
from sqlalchemy.orm import declarative_base, relationship, sessionmaker

Base = declarative_base()

class Employee(Base):
    __tablename__ = "employees"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
    manager_id = Column(Integer, ForeignKey("employees.id"))
    manager = relationship("Employee", remote_side=[id], backref="subordinates")

engine = create_engine("sqlite:///:memory:")
Base.metadata.create_all(engine)
session = sessionmaker(bind=engine)()

ceo = Employee(name="CEO")
manager = Employee(name="Manager", manager=ceo)
session.add_all([ceo, manager, Employee(name="Worker", manager=manager)])
session.commit()
worker = session.execute(select(Employee).filter_by(name="Worker")).scalar_one()
print(f"Manager: {worker.manager.name}, Boss: {worker.manager.manager.name}")
print([e.name for e in ceo.subordinates])
print(ceo.manager)
