/**
 * Block Kit as HTML, roughly as a Slack client lays it out: section (text, fields, accessory), header,
 * context, divider, actions (buttons, `primary` green, `danger` red; URL buttons are links), image (a link:
 * the page loads nothing from elsewhere), rich_text, markdown, and in modals input blocks as form fields.
 * Buttons are `<button name="action" value="<position>">` inside the form the page wraps around them;
 * where nothing can be pressed (earlier versions, other users' views) they are drawn inert.
 */
import { html, SafeHtml } from '../../lambda/pages/html';
import { type Directory, mrkdwnHtml, plainTextHtml, textObjectHtml } from './mrkdwn';
import type { Json, JsonObject } from './workspace';

export interface RenderOptions {
  readonly directory: Directory;
  /** Buttons submit the surrounding form (`name="action"`, `value="<block>:<element>"`), or are inert. */
  readonly buttons: 'live' | 'inert';
  /** Inside a modal's form: input blocks become fields named `input:<block index>`. */
  readonly inputs?: {
    /** The app's errors for the last submission, by block_id. */
    readonly errors: Readonly<Record<string, string>>;
    /** Values to show again (after a refused submission), by field name. */
    readonly values?: Readonly<Record<string, readonly string[]>>;
  };
}

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const str = (value: Json | undefined): string => (typeof value === 'string' ? value : '');

const plainText = (value: Json | undefined): string => (isObject(value) ? str(value.text) : '');

const button = (element: JsonObject, position: string, options: RenderOptions): SafeHtml => {
  const style = element.style === 'primary' || element.style === 'danger' ? ` sk-${element.style}` : '';
  const label = textObjectHtml(element.text ?? null, options.directory);
  const url = str(element.url);
  if (url !== '' && /^(?:https?:\/\/|mailto:)/i.test(url)) {
    return html`<a class="sk-button${style}" href="${url}" target="_blank" rel="noopener noreferrer">${label}<span class="visually-hidden"> (opens a new tab)</span></a>`;
  }
  if (options.buttons === 'inert') {
    return html`<span class="sk-button sk-inert${style}">${label}</span>`;
  }
  return html`<button class="sk-button${style}" type="submit" name="action" value="${position}">${label}</button>`;
};

const element = (value: Json, position: string, options: RenderOptions): SafeHtml => {
  if (!isObject(value)) return html``;
  if (value.type === 'button') return button(value, position, options);
  if (value.type === 'image') return imageLink(value);
  const placeholder = plainText(value.placeholder);
  return html`<span class="sk-unsupported" title="Not drawn by the local Slack">[${str(value.type)}${placeholder === '' ? '' : `: ${placeholder}`}]</span>`;
};

const imageLink = (image: JsonObject): SafeHtml => {
  const alt = str(image.alt_text) || 'image';
  const url = str(image.image_url);
  return /^https?:\/\//i.test(url)
    ? html`<a class="sk-image" href="${url}" target="_blank" rel="noopener noreferrer">[image: ${alt}]</a>`
    : html`<span class="sk-image">[image: ${alt}]</span>`;
};

const RICH_STYLES: readonly [string, string][] = [
  ['code', 'code'],
  ['strike', 'del'],
  ['italic', 'em'],
  ['bold', 'strong'],
];

const richInline = (value: Json, options: RenderOptions): SafeHtml => {
  if (!isObject(value)) return html``;
  const { users, channels, userGroups } = options.directory;
  let inner: SafeHtml;
  switch (value.type) {
    case 'text':
      inner = plainTextHtml(str(value.text), false);
      break;
    case 'link':
      inner = mrkdwnHtml(`<${str(value.url)}|${str(value.text) || str(value.url)}>`, options.directory);
      break;
    case 'user': {
      const user = users.find((candidate) => candidate.id === value.user_id);
      inner = html`<span class="mention">@${user?.displayName ?? user?.name ?? str(value.user_id)}</span>`;
      break;
    }
    case 'channel': {
      const channel = channels.find((candidate) => candidate.id === value.channel_id);
      inner = html`<span class="mention">#${channel?.name ?? str(value.channel_id)}</span>`;
      break;
    }
    case 'usergroup': {
      const group = userGroups.find((candidate) => candidate.id === value.usergroup_id);
      inner = html`<span class="mention">@${group?.handle ?? str(value.usergroup_id)}</span>`;
      break;
    }
    case 'broadcast':
      inner = html`<span class="mention">@${str(value.range)}</span>`;
      break;
    case 'emoji':
      inner = plainTextHtml(`:${str(value.name)}:`);
      break;
    default:
      return html``;
  }
  const style = isObject(value.style) ? value.style : {};
  return RICH_STYLES.reduce(
    (markup, [name, tag]) =>
      style[name] === true ? SafeHtml.trusted(`<${tag}>${markup.value}</${tag}>`) : markup,
    inner,
  );
};

const richInlines = (value: JsonObject, options: RenderOptions): SafeHtml[] =>
  (Array.isArray(value.elements) ? value.elements : []).map((inline) => richInline(inline, options));

const richElement = (value: Json, options: RenderOptions): SafeHtml => {
  if (!isObject(value)) return html``;
  switch (value.type) {
    case 'rich_text_section':
      return html`<div>${richInlines(value, options)}</div>`;
    case 'rich_text_preformatted':
      return html`<pre>${richInlines(value, options)}</pre>`;
    case 'rich_text_quote':
      return html`<blockquote>${richInlines(value, options)}</blockquote>`;
    case 'rich_text_list': {
      const items = (Array.isArray(value.elements) ? value.elements : []).map(
        (item) => html`<li>${isObject(item) ? richInlines(item, options) : ''}</li>`,
      );
      return value.style === 'ordered' ? html`<ol>${items}</ol>` : html`<ul>${items}</ul>`;
    }
    default:
      return html``;
  }
};

const OPTION_ELEMENTS = new Set(['static_select', 'radio_buttons', 'checkboxes']);

const optionsOf = (value: JsonObject): JsonObject[] =>
  (Array.isArray(value.options) ? value.options : []).filter(isObject);

/** An input block's element as a form field (plain_text_input, static_select, radio_buttons, checkboxes). */
const field = (block: JsonObject, index: number, inputs: NonNullable<RenderOptions['inputs']>): SafeHtml => {
  const name = `input:${index}`;
  const id = `input-${index}`;
  const input = isObject(block.element) ? block.element : {};
  const optional = block.optional === true;
  const shown = inputs.values?.[name];
  const error = inputs.errors[str(block.block_id)];
  const described = error ? html` aria-invalid="true" aria-describedby="${id}-error"` : html``;
  const required = optional ? html`` : html` required`;
  const label = html`${plainText(block.label)}${optional ? html` <span class="sk-optional">(optional)</span>` : ''}`;
  const hint = isObject(block.hint) ? html`<p class="sk-hint">${plainText(block.hint)}</p>` : '';
  const errorLine = error ? html`<p class="sk-field-error" id="${id}-error">${error}</p>` : '';
  let control: SafeHtml;
  if (input.type === 'plain_text_input') {
    const value = shown?.[0] ?? str(input.initial_value);
    const lengths = html`${typeof input.min_length === 'number' ? html` minlength="${input.min_length}"` : ''}${typeof input.max_length === 'number' ? html` maxlength="${input.max_length}"` : ''}`;
    const placeholder = isObject(input.placeholder)
      ? html` placeholder="${plainText(input.placeholder)}"`
      : '';
    control =
      input.multiline === true
        ? html`<textarea id="${id}" name="${name}"${required}${lengths}${placeholder}${described}>${value}</textarea>`
        : html`<input id="${id}" name="${name}" type="text" value="${value}"${required}${lengths}${placeholder}${described}>`;
    return html`<div class="sk-input"><label for="${id}">${label}</label>${control}${hint}${errorLine}</div>`;
  }
  if (OPTION_ELEMENTS.has(str(input.type))) {
    const choices = optionsOf(input);
    const initial = isObject(input.initial_option) ? [str(input.initial_option.value)] : [];
    const initials = Array.isArray(input.initial_options)
      ? input.initial_options.filter(isObject).map((option) => str(option.value))
      : initial;
    const chosen = shown ?? initials;
    if (input.type === 'static_select') {
      control = html`<select id="${id}" name="${name}"${required}${described}><option value="">${plainText(input.placeholder) || 'Choose…'}</option>${choices.map(
        (option) =>
          html`<option value="${str(option.value)}"${chosen.includes(str(option.value)) ? html` selected` : ''}>${plainText(option.text)}</option>`,
      )}</select>`;
      return html`<div class="sk-input"><label for="${id}">${label}</label>${control}${hint}${errorLine}</div>`;
    }
    const type = input.type === 'radio_buttons' ? 'radio' : 'checkbox';
    control = html`${choices.map(
      (option, i) =>
        html`<label class="sk-choice"><input type="${type}" name="${name}" value="${str(option.value)}"${chosen.includes(str(option.value)) ? html` checked` : ''}${type === 'radio' && i === 0 ? required : ''}> ${textObjectHtml(option.text ?? null, { users: [], channels: [], userGroups: [] })}</label>`,
    )}`;
    return html`<fieldset class="sk-input"${described}><legend>${label}</legend>${control}${hint}${errorLine}</fieldset>`;
  }
  return html`<div class="sk-input"><span class="sk-label">${label}</span> <span class="sk-unsupported">[${str(input.type)}: not drawn by the local Slack]</span></div>`;
};

const block = (value: JsonObject, index: number, options: RenderOptions): SafeHtml => {
  const { directory } = options;
  switch (value.type) {
    case 'header':
      return html`<div class="sk-header">${textObjectHtml(value.text ?? null, directory)}</div>`;
    case 'divider':
      return html`<hr class="sk-divider">`;
    case 'section': {
      const text =
        value.text === undefined
          ? ''
          : html`<div class="sk-text">${textObjectHtml(value.text, directory)}</div>`;
      const fields = Array.isArray(value.fields)
        ? html`<div class="sk-fields">${value.fields.map((f) => html`<div>${textObjectHtml(f, directory)}</div>`)}</div>`
        : '';
      const accessory =
        value.accessory === undefined
          ? ''
          : html`<div class="sk-accessory">${element(value.accessory, `${index}:accessory`, options)}</div>`;
      return html`<div class="sk-section"><div class="sk-section-main">${text}${fields}</div>${accessory}</div>`;
    }
    case 'context':
      return html`<div class="sk-context">${(Array.isArray(value.elements) ? value.elements : []).map(
        (item) =>
          isObject(item) && item.type === 'image'
            ? imageLink(item)
            : html`<span>${textObjectHtml(item, directory)}</span>`,
      )}</div>`;
    case 'actions':
      return html`<div class="sk-actions">${(Array.isArray(value.elements) ? value.elements : []).map(
        (item, j) => element(item, `${index}:${j}`, options),
      )}</div>`;
    case 'image':
      return html`<div class="sk-block-image">${isObject(value.title) ? html`<div>${plainText(value.title)}</div>` : ''}${imageLink(value)}</div>`;
    case 'rich_text':
      return html`<div class="sk-rich">${(Array.isArray(value.elements) ? value.elements : []).map((item) =>
        richElement(item, options),
      )}</div>`;
    case 'markdown':
      return html`<div class="sk-text">${plainTextHtml(str(value.text), false)}</div>`;
    case 'input':
      return options.inputs
        ? field(value, index, options.inputs)
        : html`<div class="sk-input"><span class="sk-label">${plainText(value.label)}</span> <span class="sk-unsupported">[input]</span></div>`;
    default:
      return html`<div class="sk-unsupported">[${str(value.type)} block: not drawn by the local Slack]</div>`;
  }
};

/** The blocks, one `<div class="sk-…">` each, in order. */
export const renderBlocks = (blocks: readonly JsonObject[], options: RenderOptions): SafeHtml =>
  html`${blocks.map((value, index) => block(value, index, options))}`;

/** A message's look: its blocks, or its text as mrkdwn when it has none. */
export const renderMessageContent = (
  content: { readonly text: string; readonly blocks: readonly JsonObject[] },
  options: RenderOptions,
): SafeHtml =>
  content.blocks.length > 0
    ? renderBlocks(content.blocks, options)
    : html`<div class="sk-text">${mrkdwnHtml(content.text, options.directory)}</div>`;
