/**
 * The checks Slack makes on Block Kit before it accepts a message or a modal, for the limits a product
 * is most likely to cross (lengths, counts, required fields, unknown types). A failure is answered as
 * Slack answers it: `invalid_blocks` (or `invalid_arguments` for a view) with one message per problem,
 * `<problem> [json-pointer:/blocks/0/text/text]`. Not every Block Kit rule is here; nothing valid is refused.
 */
import type { Json, JsonObject } from './workspace';

const BLOCK_TYPES = new Set([
  'actions',
  'context',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'rich_text',
  'section',
  'video',
]);

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type Problems = string[];

const checkText = (
  problems: Problems,
  pointer: string,
  value: Json | undefined,
  limits: { max: number; plainOnly?: boolean; required?: boolean },
): void => {
  if (value === undefined) {
    if (limits.required)
      problems.push(`missing required field: ${pointer.split('/').at(-1)} [json-pointer:${pointer}]`);
    return;
  }
  if (!isObject(value)) {
    problems.push(`must be an object [json-pointer:${pointer}]`);
    return;
  }
  const allowed = limits.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
  if (typeof value.type !== 'string' || !allowed.includes(value.type)) {
    problems.push(`must be one of ${allowed.join(', ')} [json-pointer:${pointer}/type]`);
  }
  if (typeof value.text !== 'string') {
    problems.push(`must be a string [json-pointer:${pointer}/text]`);
  } else if (value.text.length === 0) {
    problems.push(`must be more than 0 characters [json-pointer:${pointer}/text]`);
  } else if (value.text.length > limits.max) {
    problems.push(`must be less than ${limits.max + 1} characters [json-pointer:${pointer}/text]`);
  }
};

const checkString = (problems: Problems, pointer: string, value: Json | undefined, max: number): void => {
  if (value === undefined) return;
  if (typeof value !== 'string') problems.push(`must be a string [json-pointer:${pointer}]`);
  else if (value.length > max)
    problems.push(`must be less than ${max + 1} characters [json-pointer:${pointer}]`);
};

const checkElement = (problems: Problems, pointer: string, element: Json | undefined): void => {
  if (!isObject(element)) {
    problems.push(`must be an object [json-pointer:${pointer}]`);
    return;
  }
  checkString(problems, `${pointer}/action_id`, element.action_id, 255);
  if (element.type === 'button') {
    checkText(problems, `${pointer}/text`, element.text, { max: 75, plainOnly: true, required: true });
    checkString(problems, `${pointer}/value`, element.value, 2000);
    checkString(problems, `${pointer}/url`, element.url, 3000);
    if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
      problems.push(`must be one of primary, danger [json-pointer:${pointer}/style]`);
    }
  }
};

const checkBlock = (problems: Problems, pointer: string, block: Json | undefined, ids: Set<string>): void => {
  if (!isObject(block)) {
    problems.push(`must be an object [json-pointer:${pointer}]`);
    return;
  }
  if (typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) {
    problems.push(`unsupported type: ${String(block.type)} [json-pointer:${pointer}/type]`);
    return;
  }
  if (block.block_id !== undefined) {
    checkString(problems, `${pointer}/block_id`, block.block_id, 255);
    if (typeof block.block_id === 'string') {
      if (ids.has(block.block_id)) problems.push(`duplicate block_id [json-pointer:${pointer}/block_id]`);
      ids.add(block.block_id);
    }
  }
  switch (block.type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined) {
        problems.push(`must provide either text or fields [json-pointer:${pointer}]`);
      }
      checkText(problems, `${pointer}/text`, block.text, { max: 3000 });
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length > 10) {
          problems.push(`must be an array of at most 10 items [json-pointer:${pointer}/fields]`);
        } else {
          block.fields.forEach((field, i) => {
            checkText(problems, `${pointer}/fields/${i}`, field, { max: 2000 });
          });
        }
      }
      if (block.accessory !== undefined) checkElement(problems, `${pointer}/accessory`, block.accessory);
      return;
    }
    case 'header':
      checkText(problems, `${pointer}/text`, block.text, { max: 150, plainOnly: true, required: true });
      return;
    case 'context':
    case 'actions': {
      const max = block.type === 'context' ? 10 : 25;
      if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > max) {
        problems.push(`must be an array of 1 to ${max} items [json-pointer:${pointer}/elements]`);
        return;
      }
      block.elements.forEach((element, i) => {
        if (block.type === 'actions') checkElement(problems, `${pointer}/elements/${i}`, element);
        else if (isObject(element) && element.type !== 'image') {
          checkText(problems, `${pointer}/elements/${i}`, element, { max: 3000 });
        }
      });
      return;
    }
    case 'input':
      checkText(problems, `${pointer}/label`, block.label, { max: 2000, plainOnly: true, required: true });
      if (block.element === undefined)
        problems.push(`missing required field: element [json-pointer:${pointer}]`);
      else checkElement(problems, `${pointer}/element`, block.element);
      return;
    default:
      return;
  }
};

/** The problems with `blocks` (empty when Slack would accept them), each with its JSON pointer. */
export const blockProblems = (blocks: Json | undefined, max: number, pointer = '/blocks'): string[] => {
  const problems: Problems = [];
  if (!Array.isArray(blocks)) return [`must be an array [json-pointer:${pointer}]`];
  if (blocks.length > max) problems.push(`must be less than ${max + 1} items [json-pointer:${pointer}]`);
  const ids = new Set<string>();
  blocks.forEach((block, i) => {
    checkBlock(problems, `${pointer}/${i}`, block, ids);
  });
  return problems;
};

/** The problems with a modal view (views.open's `view`). */
export const viewProblems = (view: Json | undefined): string[] => {
  if (!isObject(view)) return ['must be an object [json-pointer:/view]'];
  const problems: Problems = [];
  if (view.type !== 'modal') problems.push('must be modal [json-pointer:/view/type]');
  checkText(problems, '/view/title', view.title, { max: 24, plainOnly: true, required: true });
  checkText(problems, '/view/submit', view.submit, { max: 24, plainOnly: true });
  checkText(problems, '/view/close', view.close, { max: 24, plainOnly: true });
  checkString(problems, '/view/private_metadata', view.private_metadata, 3000);
  checkString(problems, '/view/callback_id', view.callback_id, 255);
  problems.push(...blockProblems(view.blocks, 100, '/view/blocks'));
  const hasInput =
    Array.isArray(view.blocks) && view.blocks.some((block) => isObject(block) && block.type === 'input');
  if (hasInput && view.submit === undefined) {
    problems.push('must provide submit when blocks contain input [json-pointer:/view/submit]');
  }
  return problems;
};
