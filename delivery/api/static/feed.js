// The browser view of the in-app feed: the same calls the bank's app makes, under /app/api/
// and authenticated by the view's HttpOnly cookie (this script never sees the token).
"use strict";

const cards = document.getElementById("cards");
const more = document.getElementById("more");
const statusLine = document.getElementById("status");
const badge = document.getElementById("unread");
let nextCursor = null;

async function api(path, method = "GET") {
  const response = await fetch("/app/api" + path, {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (!response.ok) throw new Error(method + " " + path + ": " + response.status);
  return response.json();
}

function showUnread(count) {
  badge.textContent = String(count);
  badge.hidden = count === 0;
}

function timeText(iso) {
  return new Date(iso).toLocaleString("zh-CN", { hour12: false });
}

function button(label, className, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = className;
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

// The comic's images in reading order: a strip's panels (stacked, scrolled vertically inside
// the item) or a carousel's pages (swiped sideways). Tapping the comic opens it full screen.
function imagesOf(item) {
  if (Array.isArray(item.images) && item.images.length) return item.images;
  return [{ url: item.image_url, width: null, height: null }];
}

function picture(image, alt, lazy) {
  const img = document.createElement("img");
  img.src = image.url;
  img.alt = alt;
  // Known sizes reserve each image's space before it loads: no jumps while scrolling.
  if (image.width && image.height) {
    img.width = image.width;
    img.height = image.height;
  }
  if (lazy) img.loading = "lazy";
  return img;
}

function comic(item) {
  const images = imagesOf(item);
  const display = item.display || (images.length > 1 ? "carousel" : "single");
  const frame = document.createElement("div");
  frame.className = "comic " + display;
  frame.tabIndex = 0;
  frame.setAttribute("role", "button");
  frame.setAttribute("aria-label", "查看完整漫画");
  images.forEach((image, n) => frame.append(picture(image, n === 0 ? item.alt_text : "", n > 0)));
  const open = () => fullScreen(images, display, item.alt_text);
  frame.addEventListener("click", open);
  frame.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") open();
  });
  const wrap = document.createElement("div");
  wrap.className = "comic-wrap";
  const hint = document.createElement("p");
  hint.className = "hint";
  if (display === "carousel") {
    const page = () => Math.round(frame.scrollLeft / Math.max(1, frame.clientWidth)) + 1;
    const say = () => (hint.textContent = `第 ${page()}/${images.length} 页 · 左右滑动翻页 · 点按全屏`);
    frame.addEventListener("scroll", say, { passive: true });
    say();
  } else {
    hint.textContent = display === "strip" ? "上下滑动看完 · 点按全屏" : "点按全屏";
  }
  wrap.append(frame, hint);
  return wrap;
}

function fullScreen(images, display, alt) {
  const viewer = document.createElement("div");
  viewer.className = "viewer";
  viewer.setAttribute("role", "dialog");
  viewer.setAttribute("aria-modal", "true");
  const close = button("关闭", "close-btn", () => viewer.remove());
  const pages = document.createElement("div");
  pages.className = "pages " + display;
  images.forEach((image, n) => pages.append(picture(image, n === 0 ? alt : "", false)));
  viewer.append(close, pages);
  viewer.addEventListener("keydown", (e) => {
    if (e.key === "Escape") viewer.remove();
  });
  document.body.append(viewer);
  close.focus();
}

// Text goes in with textContent only: card copy can never become markup.
function card(item) {
  const li = document.createElement("li");
  li.className = "card" + (item.read_at ? " read" : " unread");
  li.dataset.id = item.id;
  li.dataset.warning = item.warning_id;
  if (item.image_url) li.append(comic(item));
  const h2 = document.createElement("h2");
  h2.textContent = item.title;
  const p = document.createElement("p");
  p.className = "body";
  p.textContent = item.body;
  const time = document.createElement("time");
  time.dateTime = item.created_at;
  time.textContent = timeText(item.created_at);
  const actions = document.createElement("div");
  actions.className = "actions";
  const read = button("标为已读", "read-btn", async () => {
    const updated = await api("/feed/" + encodeURIComponent(item.id) + "/read", "POST");
    li.classList.replace("unread", "read");
    read.disabled = true;
    if (!item.read_at && updated.read_at) refreshUnread();
    item.read_at = updated.read_at;
  });
  read.disabled = Boolean(item.read_at);
  const dismiss = button("不再显示", "dismiss-btn", async () => {
    await api("/feed/" + encodeURIComponent(item.id) + "/dismiss", "POST");
    li.remove();
    refreshUnread();
  });
  actions.append(read, dismiss);
  li.append(h2, p, time, actions);
  return li;
}

async function refreshUnread() {
  const page = await api("/feed?limit=1");
  showUnread(page.unread);
}

async function load() {
  const query = nextCursor ? "?limit=10&cursor=" + encodeURIComponent(nextCursor) : "?limit=10";
  try {
    const page = await api("/feed" + query);
    page.items.forEach((item) => cards.append(card(item)));
    nextCursor = page.next_cursor;
    more.hidden = !nextCursor;
    showUnread(page.unread);
    statusLine.textContent = cards.children.length ? "" : "暂无提醒";
    statusLine.hidden = cards.children.length > 0;
  } catch (err) {
    statusLine.hidden = false;
    statusLine.textContent = "加载失败，请稍后重试";
    console.error(err);
  }
}

more.addEventListener("click", load);
load();
