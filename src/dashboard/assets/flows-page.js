// Flows: the recent flow runs with their aggregate status, and every declared flow with its
// graph and a form to start a run with JSON arguments.
import { api, query } from './api.js';
import { el, renderInto } from './dom.js';
import { flowGraph } from './flow-graph.js';
import { flowAnchor, flowRunHref, flowRunsTable } from './flow-views.js';

const RUN_STATUSES = ['running', 'various', 'succeeded', 'failed'];
const RUNS_SHOWN = 50;

export function flowsPage(container, ctx) {
  document.title = 'Flows · bosun';
  const params = new URLSearchParams(location.search);
  const flowFilter = el('select', { id: 'flow-filter' }, el('option', { value: '' }, 'any flow'));
  const statusFilter = el('select', { id: 'flow-status' }, el('option', { value: '' }, 'any status'), RUN_STATUSES.map((s) => el('option', { value: s }, s)));
  statusFilter.value = RUN_STATUSES.includes(params.get('status')) ? params.get('status') : '';
  let wantedFlow = params.get('flow_name') ?? '';
  const runs = el('div', { class: 'table-wrap' });
  const runsNote = el('p', { class: 'muted' });
  const flows = el('div');
  let scrolled = false;

  const changed = () => {
    wantedFlow = flowFilter.value;
    const q = new URLSearchParams();
    if (flowFilter.value) q.set('flow_name', flowFilter.value);
    if (statusFilter.value) q.set('status', statusFilter.value);
    history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}`);
    void ctx.refresh();
  };
  flowFilter.addEventListener('change', changed);
  statusFilter.addEventListener('change', changed);

  container.replaceChildren(
    el('h1', {}, 'Flows'),
    el('p', { class: 'lead muted' }, 'Flows are DAGs of steps declared in the flows folder; a flow run executes its steps as their waits are met.'),
    el(
      'section',
      { 'aria-labelledby': 'flow-runs-title' },
      el('h2', { id: 'flow-runs-title' }, 'Recent flow runs'),
      el('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() }, el('label', { for: 'flow-filter' }, 'Flow'), flowFilter, el('label', { for: 'flow-status' }, 'Status'), statusFilter),
      runs,
      runsNote,
    ),
    el('section', { 'aria-labelledby': 'flows-title' }, el('h2', { id: 'flows-title' }, 'Declared flows'), flows),
  );

  async function refresh() {
    const [{ flows: declared }, list] = await Promise.all([
      api('GET', '/flows'),
      api('GET', `/flow-runs${query({ flow_name: wantedFlow, status: statusFilter.value, limit: RUNS_SHOWN })}`),
    ]);
    const names = declared.map((f) => f.name);
    if (flowFilter.options.length !== names.length + 1 || names.some((n, i) => flowFilter.options[i + 1].value !== n)) {
      flowFilter.replaceChildren(el('option', { value: '' }, 'any flow'), ...names.map((n) => el('option', { value: n }, n)));
    }
    flowFilter.value = wantedFlow;
    renderInto(runs, list.flow_runs, () => flowRunsTable(list.flow_runs, ctx));
    runsNote.textContent = list.total > list.flow_runs.length ? `The newest ${list.flow_runs.length} of ${list.total}.` : '';
    // Flows are loaded at startup and do not change while the service runs: drawn once, so a half-typed form survives polls.
    renderInto(flows, declared, () => (declared.length ? declared.map((f) => flowCard(f, ctx)) : el('p', { class: 'empty' }, 'No flows are declared. Put flow files in the flows folder (BOSUN_FLOWS_DIR) and restart bosun.')));
    if (!scrolled && location.hash) {
      scrolled = true;
      document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
    }
  }
  return { refresh };
}

/** The `${args.x}` names a flow's steps use, each with an empty value: a starting point for the form. */
export function argumentsTemplate(flow) {
  const names = new Set();
  for (const step of flow.steps) for (const m of JSON.stringify(step.kwargs ?? {}).matchAll(/\$\{args\.([A-Za-z0-9_-]+)/g)) names.add(m[1]);
  return Object.fromEntries([...names].sort().map((n) => [n, '']));
}

function flowCard(flow, ctx) {
  const id = `args-${flow.name}`;
  const template = argumentsTemplate(flow);
  const textarea = el('textarea', { id, name: 'arguments', rows: Math.min(8, Object.keys(template).length + 2), spellcheck: 'false', 'data-key': id }, JSON.stringify(template, null, 2));
  const error = el('p', { class: 'error-text', role: 'alert', hidden: true });
  const submit = el('button', { type: 'submit' }, 'Start run');
  const form = el(
    'form',
    { class: 'flow-start', 'aria-label': `Start a run of ${flow.name}` },
    el('label', { for: id }, 'Arguments (JSON object)'),
    textarea,
    error,
    submit,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    let args;
    try {
      args = JSON.parse(textarea.value.trim() || '{}');
    } catch (err) {
      error.textContent = `The arguments are not valid JSON: ${err.message}`;
      error.hidden = false;
      return;
    }
    if (args === null || typeof args !== 'object' || Array.isArray(args)) {
      error.textContent = 'The arguments must be a JSON object, like {"name": "value"}.';
      error.hidden = false;
      return;
    }
    submit.disabled = true;
    try {
      const { flow_run } = await api('POST', `/flows/${encodeURIComponent(flow.name)}/runs`, { arguments: args });
      location.assign(flowRunHref(ctx.base, flow_run));
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      submit.disabled = false;
    }
  });
  const steps = flow.steps.map((s) => ({ ...s, id: s.id }));
  return el(
    'section',
    { class: 'flow-card', id: flowAnchor(flow.name), 'data-flow': flow.name, 'aria-labelledby': `${id}-title` },
    el('h3', { id: `${id}-title` }, flow.name, el('small', { class: 'muted' }, ` ${flow.steps.length} step${flow.steps.length === 1 ? '' : 's'} · `, el('code', {}, flow.file ?? ''))),
    flow.description ? el('p', { class: 'lead' }, flow.description) : null,
    el('div', { class: 'flow-card-body' }, el('div', { class: 'chart-box flow-box' }, flowGraph(steps, { label: `Flow ${flow.name}`, maxPerLayer: 5 })), form),
  );
}
