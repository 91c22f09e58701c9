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

// Text goes in with textContent only: card copy can never become markup.
function card(item) {
  const li = document.createElement("li");
  li.className = "card" + (item.read_at ? " read" : " unread");
  li.dataset.id = item.id;
  li.dataset.warning = item.warning_id;
  if (item.image_url) {
    const img = document.createElement("img");
    img.src = item.image_url;
    img.alt = item.alt_text;
    img.width = 1080;
    img.height = 1350;
    li.append(img);
  }
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
