import './app.css';
import { CONFIG_FILE, type DashboardConfig } from '../config.js';
import { ApiFailure, SignInRequired, getJson } from './api.js';
import { SignInError, completeOidcSignIn, currentToken, saveToken, signOut, startOidcSignIn } from './auth.js';
import { disposeCharts } from './chart-registry.js';
import type { View, ViewContext } from './context.js';
import { h, mount } from './dom.js';
import { overview } from './views/overview.js';

/**
 * The routes of the page (hash routes: nothing of the page's state ever reaches a server log). 总览
 * is in the first bundle; the other views, and ECharts with them, load when first opened.
 */
const NAV: Array<{ path: string; label: string; view: () => Promise<View> }> = [
  { path: 'overview', label: '总览', view: async () => overview },
  { path: 'kpis', label: '指标', view: async () => (await import('./views/kpis.js')).kpis },
  { path: 'overdue', label: '逾期·临期', view: async () => (await import('./views/overdue.js')).overdue },
  { path: 'ranking', label: '排名', view: async () => (await import('./views/ranking.js')).ranking },
  { path: 'reviews', label: '待销号', view: async () => (await import('./views/reviews.js')).reviews },
];
const TASK_VIEW = { path: 'tasks', view: async (): Promise<View> => (await import('./views/task.js')).taskView };

const root = document.getElementById('app')!;
let config: DashboardConfig;
let rendering = 0;

function parseHash(): { path: string; arg?: string; params: URLSearchParams } {
  const [route = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [path = 'overview', arg] = route.split('/');
  return { path: path || 'overview', ...(arg ? { arg: decodeURIComponent(arg) } : {}), params: new URLSearchParams(query) };
}

function shell(active: string): HTMLElement {
  const main = h('main', { id: 'view', 'aria-live': 'polite' });
  const plan = config.plans[0]!;
  mount(
    root,
    h(
      'header',
      { class: 'top' },
      h('div', { class: 'brand' }, h('strong', {}, '督查督办'), h('span', { class: 'brand-plan' }, plan.title)),
      h(
        'nav',
        { 'aria-label': '视图' },
        NAV.map((n) =>
          h(
            'a',
            {
              href: `#/${n.path}`,
              class: n.path === active ? 'active' : '',
              'aria-current': n.path === active ? 'page' : undefined,
              'data-view': n.path,
            },
            n.label,
          ),
        ),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'sign-out',
          onclick: () => {
            signOut();
            showSignIn();
          },
        },
        '退出',
      ),
    ),
    main,
  );
  return main;
}

async function render(): Promise<void> {
  const ticket = ++rendering;
  if (!currentToken()) return showSignIn();
  const { path, arg, params } = parseHash();
  const entry = path === 'tasks' ? TASK_VIEW : NAV.find((n) => n.path === path);
  if (!entry) {
    location.hash = '#/overview';
    return;
  }
  disposeCharts();
  const main = shell(entry.path);
  main.setAttribute('aria-busy', 'true');
  main.append(h('p', { class: 'loading' }, '加载中…'));
  const planId = config.plans[0]!.planId;
  const ctx: ViewContext = { config, planId, main, params, base: `/v1/plans/${encodeURIComponent(planId)}` };
  try {
    await (
      await entry.view()
    )(ctx, arg);
    if (ticket !== rendering) return;
    main.removeAttribute('aria-busy');
    document.title = `${NAV.find((n) => n.path === entry.path)?.label ?? '事项详情'} · 督查督办`;
    document.body.dataset.view = entry.path;
    // For `npm run bench` (bench/dashboard.ts): when a view has rendered, since navigation start.
    performance.mark(`rendered:${entry.path}`);
  } catch (err) {
    if (ticket !== rendering) return;
    if (err instanceof SignInRequired) {
      signOut();
      return showSignIn('登录已失效，请重新登录');
    }
    main.removeAttribute('aria-busy');
    const message = err instanceof ApiFailure && err.status === 404 ? '没有找到该事项' : `加载失败：${(err as Error).message}`;
    mount(main, h('p', { class: 'error', role: 'alert' }, message));
  }
}

function showSignIn(message = ''): void {
  disposeCharts();
  document.body.dataset.view = 'sign-in';
  document.title = '登录 · 督查督办';
  const error = h('p', { class: 'error', role: 'alert' }, message);
  const auth = config.auth;
  if (auth.mode === 'oidc') {
    mount(
      root,
      h(
        'main',
        { class: 'sign-in' },
        h('h1', {}, '督查督办'),
        h('p', {}, config.plans[0]?.title ?? ''),
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              startOidcSignIn(auth).catch((err: unknown) => (error.textContent = (err as Error).message));
            },
          },
          '统一身份认证登录',
        ),
        error,
      ),
    );
    return;
  }
  const input = h('input', { name: 'token', type: 'password', autocomplete: 'current-password', required: true, id: 'token' });
  const form = h(
    'form',
    {
      class: 'sign-in-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const token = input.value.trim();
        if (!token) return;
        saveToken(token);
        // Check it once, so that a wrong token is said here rather than on the first view.
        getJson(`/v1/plans/${encodeURIComponent(config.plans[0]!.planId)}/rankings`).then(
          () => void render(),
          (err: unknown) => {
            signOut();
            error.textContent = err instanceof SignInRequired ? '令牌无效，请重新输入' : `无法连接服务：${(err as Error).message}`;
          },
        );
      },
    },
    h('label', { for: 'token' }, '访问令牌'),
    input,
    h('button', { type: 'submit' }, '登录'),
    error,
  );
  mount(root, h('main', { class: 'sign-in' }, h('h1', {}, '督查督办'), h('p', {}, config.plans[0]?.title ?? ''), form));
  input.focus();
}

async function boot(): Promise<void> {
  const res = await fetch(CONFIG_FILE, { cache: 'no-store' });
  config = (await res.json()) as DashboardConfig;
  try {
    await completeOidcSignIn(config);
  } catch (err) {
    if (!(err instanceof SignInError)) throw err;
    return showSignIn(err.message);
  }
  window.addEventListener('hashchange', () => void render());
  await render();
}

boot().catch((err: unknown) => {
  mount(root, h('p', { class: 'error', role: 'alert' }, `页面加载失败：${(err as Error).message}`));
});
