# Event hooks: mapper and session events.
from sqlalchemy import Column, Integer, String, create_engine, event
from sqlalchemy.orm import declarative_base, sessionmaker

Base = declarative_base()

class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
    slug = Column(String(50))

log = []

@event.listens_for(User, "before_insert")
def make_slug(mapper, connection, target):
    target.slug = target.name.lower().replace(" ", "-")
    log.append("before_insert " + target.name)

@event.listens_for(User, "after_insert")
def inserted(mapper, connection, target):
    log.append("after_insert " + str(target.id))

engine = create_engine("sqlite:///:memory:")
Base.metadata.create_all(engine)
Session = sessionmaker(bind=engine)

@event.listens_for(Session, "after_commit")
def committed(session):
    log.append("after_commit")

session = Session()
user = User(name="Alice Smith")
session.add(user)
session.commit()
print(user.slug)
print(log)
