/* global AdaptiveCards, document, fetch, window */
// The Certify playground: plain browser JS, no build step. Commands go to
// POST /api/playground/command, button presses (Action.Execute) to POST /api/playground/action,
// and every answer is an Adaptive Card rendered with the same JSON Teams would receive.
(function () {
  'use strict';

  const PREFIX = '/certify ';
  const messages = document.getElementById('messages');
  const scroller = document.querySelector('.conversation');
  const form = document.getElementById('composer');
  const input = document.getElementById('command');
  const sendButton = form.querySelector('.send');
  let lastCommand = '';

  // Two people, because an evidence bundle must be approved by someone other than its requester.
  // The server trusts the `user` sent with each request: this is a demo, not a login.
  const USERS = {
    'playground-riley': { id: 'playground-riley', name: 'Riley Chen', role: 'requester' },
    'playground-morgan': { id: 'playground-morgan', name: 'Morgan Diaz', role: 'approver' },
  };
  const USER_KEY = 'certify.playground.user';
  const switcher = document.getElementById('acting-as');

  function storedUserId() {
    try {
      return window.localStorage.getItem(USER_KEY);
    } catch {
      return null; // Storage can be blocked (private mode, file policy); fall back to the default.
    }
  }

  let currentUser = USERS[storedUserId()] || USERS['playground-riley'];

  function actAs(id) {
    currentUser = USERS[id] || USERS['playground-riley'];
    try {
      window.localStorage.setItem(USER_KEY, currentUser.id);
    } catch {
      // Not remembered across reloads; the choice still holds for this page.
    }
    if (switcher) {
      switcher.dataset.user = currentUser.id;
      for (const radio of switcher.querySelectorAll('input[name="acting-as"]')) {
        radio.checked = radio.value === currentUser.id;
      }
    }
  }

  if (switcher) {
    switcher.addEventListener('change', (event) => {
      if (event.target.name === 'acting-as') actAs(event.target.value);
    });
  }
  actAs(currentUser.id);

  function asUser(body) {
    return { ...body, user: { id: currentUser.id, name: currentUser.name } };
  }

  // Colours and fonts of the page (style.css), so cards look native here rather than like a widget.
  // One palette for the card's plain and emphasis containers.
  const FOREGROUND = {
    default: { default: '#1F2430', subtle: '#667085' },
    accent: { default: '#4F46E5', subtle: '#6366F1' },
    good: { default: '#067647', subtle: '#079455' },
    warning: { default: '#B54708', subtle: '#DC6803' },
    attention: { default: '#B42318', subtle: '#D92D20' },
    dark: { default: '#101828', subtle: '#344054' },
    light: { default: '#F9FAFB', subtle: '#EAECF0' },
  };
  const hostConfig = new AdaptiveCards.HostConfig({
    fontFamily: "'Segoe UI', system-ui, -apple-system, 'Helvetica Neue', Arial, sans-serif",
    spacing: { small: 4, default: 10, medium: 16, large: 20, extraLarge: 28, padding: 16 },
    separator: { lineThickness: 1, lineColor: '#E3E6ED' },
    fontSizes: { small: 12, default: 14, medium: 16, large: 20, extraLarge: 28 },
    fontWeights: { lighter: 300, default: 400, bolder: 650 },
    supportsInteractivity: true,
    containerStyles: {
      default: {
        backgroundColor: '#FFFFFF',
        foregroundColors: FOREGROUND,
      },
      emphasis: {
        backgroundColor: '#F6F7FB',
        foregroundColors: FOREGROUND,
      },
      good: { backgroundColor: '#ECFDF3' },
      warning: { backgroundColor: '#FFFAEB' },
      attention: { backgroundColor: '#FEF3F2' },
      accent: { backgroundColor: '#EEF0FF' },
    },
    actions: {
      maxActions: 6,
      spacing: 'default',
      buttonSpacing: 8,
      showCard: { actionMode: 'inline', inlineTopMargin: 12 },
      actionsOrientation: 'horizontal',
      actionAlignment: 'left',
    },
    inputs: {
      label: {
        inputSpacing: 'small',
        requiredInputs: { weight: 'bolder', size: 'small', suffix: ' *', suffixColor: 'attention' },
        optionalInputs: { weight: 'bolder', size: 'small' },
      },
      errorMessage: { size: 'small', color: 'attention' },
    },
    factSet: {
      title: {
        color: 'default',
        size: 'default',
        isSubtle: true,
        weight: 'default',
        wrap: true,
        maxWidth: 150,
      },
      value: { color: 'default', size: 'default', isSubtle: false, weight: 'default', wrap: true },
      spacing: 12,
    },
  });

  function escapeHtml(text) {
    return text.replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
    );
  }

  // The subset of Markdown that Teams renders in TextBlocks (bold, italic, code, links, lists),
  // applied to escaped text so card content can never inject HTML.
  function inlineMarkdown(text) {
    return escapeHtml(text)
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[\s(])_([^_]+)_(?=[\s).,;:!?]|$)/g, '$1<em>$2</em>')
      .replace(
        /\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g,
        '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>',
      );
  }

  AdaptiveCards.AdaptiveCard.onProcessMarkdown = function (text, result) {
    const lines = text.split('\n');
    const html = [];
    let list = null;
    for (const line of lines) {
      const item = /^\s*(?:[-*•]|\d+\.)\s+(.*)$/.exec(line);
      if (item) {
        if (!list) {
          list = [];
          html.push(list);
        }
        list.push(`<li>${inlineMarkdown(item[1])}</li>`);
      } else {
        list = null;
        html.push(inlineMarkdown(line));
      }
    }
    result.outputHtml = html
      .map((part) =>
        Array.isArray(part) ? `<ul style="margin:4px 0;padding-left:20px">${part.join('')}</ul>` : part,
      )
      .join('<br>')
      .replace(/<br>(<ul)/g, '$1')
      .replace(/(<\/ul>)<br>/g, '$1');
    result.didProcess = true;
  };

  function scrollToEnd() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  function append(li) {
    messages.appendChild(li);
    scrollToEnd();
    return li;
  }

  function userBubble(text) {
    const li = document.createElement('li');
    li.className = 'message user';
    const column = document.createElement('div');
    column.className = 'from';
    // Who typed it matters once two people take turns on the same cards.
    const sender = document.createElement('span');
    sender.className = 'sender';
    sender.textContent = currentUser.name;
    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    bubble.textContent = text;
    column.append(sender, bubble);
    li.appendChild(column);
    return append(li);
  }

  function typingIndicator() {
    const li = document.createElement('li');
    li.className = 'message bot typing';
    li.setAttribute('aria-label', 'Certify is working');
    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    for (let i = 0; i < 3; i++) {
      const dot = document.createElement('span');
      dot.className = 'dot';
      bubble.appendChild(dot);
    }
    li.appendChild(bubble);
    return append(li);
  }

  function errorBubble(error) {
    const li = document.createElement('li');
    li.className = 'message error';
    li.setAttribute('role', 'alert');
    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    const title = document.createElement('strong');
    title.textContent = 'Something went wrong. ';
    bubble.appendChild(title);
    bubble.appendChild(document.createTextNode(error.message));
    if (error.problems && error.problems.length > 0) {
      const ul = document.createElement('ul');
      ul.className = 'problems';
      for (const p of error.problems) {
        const item = document.createElement('li');
        item.textContent = p;
        ul.appendChild(item);
      }
      bubble.appendChild(ul);
    }
    li.appendChild(bubble);
    return li;
  }

  async function post(path, body) {
    let response;
    try {
      response = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch {
      throw Object.assign(
        new Error('the playground server is not reachable. Is `npm start` still running?'),
        {
          problems: [],
        },
      );
    }
    const payload = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw Object.assign(new Error(payload.error || `the server answered ${response.status}`), {
        problems: payload.problems || [],
      });
    }
    return payload;
  }

  // Renders an answer's card into `container`; its buttons replace this same card in place,
  // the way Universal Actions (Action.Execute) refresh a card in Teams.
  function renderCard(container, cardJson) {
    const card = new AdaptiveCards.AdaptiveCard();
    card.hostConfig = hostConfig;
    card.onExecuteAction = (action) => {
      if (action instanceof AdaptiveCards.ExecuteAction || action.getJsonTypeName() === 'Action.Execute') {
        // The library has already checked required inputs and merged their values into `data`.
        void runAction(container, action.verb, action.data || {});
      } else if (
        action instanceof AdaptiveCards.OpenUrlAction ||
        action.getJsonTypeName() === 'Action.OpenUrl'
      ) {
        openUrl(action.url);
      }
    };
    card.parse(cardJson);
    const element = card.render();
    container.replaceChildren(element);
  }

  // Only web links: a card must not be able to run script through a javascript: url.
  function openUrl(url) {
    if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return;
    window.open(url, '_blank', 'noopener,noreferrer');
  }

  function cardMessage(cardJson) {
    const li = document.createElement('li');
    li.className = 'message card';
    const container = document.createElement('div');
    container.className = 'card';
    container.setAttribute('role', 'group');
    container.setAttribute('aria-label', 'Certify answer');
    renderCard(container, cardJson);
    li.appendChild(container);
    return li;
  }

  async function runAction(container, verb, data) {
    container.classList.add('busy');
    container.setAttribute('aria-busy', 'true');
    const li = container.parentElement;
    const previousError = li.nextElementSibling;
    if (previousError && previousError.classList.contains('error')) previousError.remove();
    try {
      const answer = await post('/api/playground/action', asUser({ verb, data }));
      renderCard(container, answer.card);
      // Keep keyboard users on the card they were working with.
      const first = container.querySelector('button, a[href]');
      if (first) first.focus({ preventScroll: true });
    } catch (error) {
      li.after(errorBubble(error));
    } finally {
      container.classList.remove('busy');
      container.removeAttribute('aria-busy');
    }
  }

  async function send(raw) {
    const shown = raw.trim();
    if (!shown) return;
    // `/certify score` and `score` mean the same thing, as in chat.
    const text = shown.replace(/^\/certify\b\s*/i, '');
    lastCommand = shown;
    userBubble(shown);
    input.value = PREFIX;
    sendButton.disabled = true;
    const typing = typingIndicator();
    try {
      const answer = await post('/api/playground/command', asUser({ text }));
      typing.replaceWith(cardMessage(answer.card));
    } catch (error) {
      typing.replaceWith(errorBubble(error));
    } finally {
      sendButton.disabled = false;
      scrollToEnd();
      input.focus();
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send(input.value);
  });

  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowUp' && lastCommand && input.value.trim() === PREFIX.trim()) {
      event.preventDefault();
      input.value = lastCommand;
    }
  });

  // Proactive alerts: the server queues alert cards after each scheduled scan; poll for new ones.
  const POLL_MS = 3000;
  let lastAlert = 0;
  let polling = false;

  function alertMessage(cardJson) {
    const li = cardMessage(cardJson);
    li.classList.add('alert');
    const label = document.createElement('span');
    label.className = 'alert-label';
    label.textContent = 'alert';
    Object.assign(label.style, {
      display: 'inline-block',
      fontSize: '11px',
      fontWeight: '650',
      textTransform: 'uppercase',
      letterSpacing: '0.04em',
      color: '#B54708',
      background: '#FFFAEB',
      borderRadius: '4px',
      padding: '1px 6px',
      marginBottom: '4px',
    });
    li.insertBefore(label, li.firstChild);
    return li;
  }

  async function pollAlerts() {
    if (polling) return;
    polling = true;
    try {
      const response = await fetch(`/api/playground/events?after=${lastAlert}`, { cache: 'no-store' });
      if (!response.ok) return;
      const payload = await response.json();
      for (const event of payload.events || []) {
        append(alertMessage(event.card));
        lastAlert = Math.max(lastAlert, event.seq);
      }
    } catch {
      // The server may be restarting; the next poll tries again.
    } finally {
      polling = false;
    }
  }

  setInterval(() => void pollAlerts(), POLL_MS);
  void pollAlerts();

  // Built here so the page needs no change: next to the suggestion chips.
  const chips = document.querySelector('.chips');
  const scanButton = document.createElement('button');
  scanButton.type = 'button';
  scanButton.className = 'chip scan-now';
  scanButton.id = 'run-scheduled-scan';
  scanButton.textContent = 'Run scheduled scan now';
  scanButton.title = 'Scan as the schedule would, then post any new alerts here';
  if (chips) {
    chips.appendChild(scanButton);
    scanButton.addEventListener('click', async () => {
      scanButton.disabled = true;
      try {
        const result = await post('/api/playground/scan', {});
        if (result.outcome === 'skipped') {
          append(errorBubble({ message: 'a scheduled scan is already running.', problems: [] }));
        }
        await pollAlerts();
      } catch (error) {
        append(errorBubble(error));
      } finally {
        scanButton.disabled = false;
      }
    });
  }

  for (const chip of document.querySelectorAll('.chip[data-command]')) {
    chip.addEventListener('click', () => void send(PREFIX + chip.dataset.command));
  }

  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
})();
