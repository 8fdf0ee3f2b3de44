// Queries with ▶ Run / SQL lenses: click ▶ Run to see the rows in the Query Results panel.
import { select, update, func, selectinload } from "orm-core";
import { User, Post, Tag } from "./models";

export const adults = select(User).where(User.age.ge(30)).orderBy(User.name);

export const postsPerUser = select(User.name, func.count(Post.id).label("posts")).join(User.posts).groupBy(User.name).orderBy(User.name);

export const withPosts = select(User).options(selectinload(User.posts));

export const sqlPosts = select(Post.title, Tag.name).join(Post.tags).where(Tag.name.eq("sql"));

export const birthday = update(User).where(User.name.eq("Bob")).values({ age: User.age.add(1) });
