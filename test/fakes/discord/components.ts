/**
 * Message components as Discord accepts them: at most 5 action rows; a row holds 1–5 buttons or exactly one
 * select menu; buttons with a `custom_id` or, for links (style 5), a `url`; string selects with 1–25 options.
 * https://discord.com/developers/docs/components/reference
 */
import { ComponentType } from 'discord.js';
import { z } from 'zod';
import type { ProblemList } from './problems.ts';

const ComponentEmoji = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  animated: z.boolean().optional(),
});

const ButtonBase = {
  type: z.literal(ComponentType.Button),
  label: z.string().optional(),
  emoji: ComponentEmoji.optional(),
  disabled: z.boolean().optional(),
  id: z.number().int().optional(),
};

// Each kind of button also reads the other kind's field, so that it is refused rather than silently dropped.
const CustomIdButton = z.object({
  ...ButtonBase,
  style: z.literal([1, 2, 3, 4]),
  custom_id: z.string(),
  url: z.string().optional(),
});
const LinkButton = z.object({
  ...ButtonBase,
  style: z.literal(5),
  url: z.string(),
  custom_id: z.string().optional(),
});

const StringSelect = z.object({
  type: z.literal(ComponentType.StringSelect),
  custom_id: z.string(),
  options: z.array(
    z.object({
      label: z.string(),
      value: z.string(),
      description: z.string().optional(),
      emoji: ComponentEmoji.optional(),
      default: z.boolean().optional(),
    }),
  ),
  placeholder: z.string().optional(),
  min_values: z.number().int().optional(),
  max_values: z.number().int().optional(),
  disabled: z.boolean().optional(),
  id: z.number().int().optional(),
});

export const ActionRow = z.object({
  type: z.literal(ComponentType.ActionRow),
  components: z.array(z.union([CustomIdButton, LinkButton, StringSelect])),
  id: z.number().int().optional(),
});
export type ActionRow = z.infer<typeof ActionRow>;

/** Row, button and select menu rules, and custom ids unique within the message. */
export function componentProblems(rows: readonly ActionRow[], list: ProblemList): void {
  const { problems, tooLong, badUrl } = list;
  if (rows.length > 5) tooLong(['components'], 'x'.repeat(rows.length), 5);
  const customIds = new Set<string>();
  rows.forEach((row, i) => {
    if (row.components.length < 1 || row.components.length > 5) {
      problems.push({
        path: ['components', i, 'components'],
        code: 'BASE_TYPE_BAD_LENGTH',
        message: 'Must be between 1 and 5 in length.',
      });
    }
    const hasSelect = row.components.some((c) => c.type === ComponentType.StringSelect);
    if (hasSelect && row.components.length > 1) {
      problems.push({
        path: ['components', i, 'components'],
        code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
        message: 'The specified component exceeds the maximum width',
      });
    }
    row.components.forEach((component, j) => {
      const path = ['components', i, 'components', j];
      if ('label' in component) tooLong([...path, 'label'], component.label, 80);
      if ('url' in component) badUrl([...path, 'url'], component.url, ['http', 'https', 'discord']);
      if ('custom_id' in component && component.custom_id !== undefined) {
        tooLong([...path, 'custom_id'], component.custom_id, 100);
        if (customIds.has(component.custom_id)) {
          problems.push({
            path: [...path, 'custom_id'],
            code: 'COMPONENT_CUSTOM_ID_DUPLICATED',
            message: 'Component custom id cannot be duplicated',
          });
        }
        customIds.add(component.custom_id);
      }
      if (component.type === ComponentType.Button) buttonProblems(component, path, list);
      else selectProblems(component, path, list);
    });
  });
}

function buttonProblems(
  button: z.infer<typeof CustomIdButton> | z.infer<typeof LinkButton>,
  path: readonly (string | number)[],
  list: ProblemList,
): void {
  // A link opens its URL and never reaches the application; any other button is only a custom id.
  const foreign = button.style === 5 ? 'custom_id' : 'url';
  if (button[foreign] !== undefined)
    list.add([...path, foreign], 'COMPONENT_VALIDATION_FAILED', 'Component validation failed');
}

function selectProblems(
  select: z.infer<typeof StringSelect>,
  path: readonly (string | number)[],
  list: ProblemList,
): void {
  const { add, tooLong, badLength, badCount, outOfRange } = list;
  if (select.custom_id === '') badLength([...path, 'custom_id'], select.custom_id, 1, 100);
  tooLong([...path, 'placeholder'], select.placeholder, 150);
  badCount([...path, 'options'], select.options.length, 1, 25);
  const values = new Set<string>();
  select.options.forEach((option, k) => {
    const optionPath = [...path, 'options', k];
    badLength([...optionPath, 'label'], option.label, 1, 100);
    badLength([...optionPath, 'value'], option.value, 1, 100);
    tooLong([...optionPath, 'description'], option.description, 100);
    if (values.has(option.value)) {
      add(
        [...optionPath, 'value'],
        'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED',
        'The specified option value is already used',
      );
    }
    values.add(option.value);
  });
  // Discord's defaults are 1 and 1: at most as many picks as there are options, and never fewer than required.
  const maxValues = select.max_values ?? 1;
  outOfRange([...path, 'min_values'], select.min_values, 0, Math.min(25, maxValues));
  outOfRange([...path, 'max_values'], select.max_values, 1, Math.max(1, Math.min(25, select.options.length)));
}
