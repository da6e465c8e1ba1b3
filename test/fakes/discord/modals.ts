/**
 * The modal an application shows with callback type 9, as Discord accepts it: `custom_id` 1–100, `title` 1–45,
 * 1–5 action rows of exactly one text input each (`custom_id` 1–100, `label` 1–45, style 1 or 2, lengths
 * 0–4000 and 1–4000, `placeholder` ≤ 100, `value` ≤ 4000), custom ids unique within the modal.
 * https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-modal
 */
import { ComponentType, TextInputStyle } from 'discord.js';
import { z } from 'zod';
import { DiscordError } from './errors.ts';
import { problemList, zodProblems } from './problems.ts';

const TextInput = z.object({
  type: z.literal(ComponentType.TextInput),
  custom_id: z.string(),
  style: z.literal([TextInputStyle.Short, TextInputStyle.Paragraph]),
  label: z.string(),
  min_length: z.number().int().optional(),
  max_length: z.number().int().optional(),
  placeholder: z.string().optional(),
  value: z.string().optional(),
  required: z.boolean().optional(),
  id: z.number().int().optional(),
});

const ModalRow = z.object({
  type: z.literal(ComponentType.ActionRow),
  components: z.array(TextInput),
  id: z.number().int().optional(),
});

const ModalData = z.object({ custom_id: z.string(), title: z.string(), components: z.array(ModalRow) });
export type ModalData = z.infer<typeof ModalData>;

export function parseModal(raw: unknown, prefix: readonly (string | number)[] = []): ModalData {
  const parsed = ModalData.safeParse(raw ?? {});
  if (!parsed.success) throw DiscordError.invalidForm(zodProblems(parsed.error, prefix));
  const modal = parsed.data;
  const list = problemList();
  const { add, tooLong, badLength, badCount, outOfRange } = list;
  badLength(['custom_id'], modal.custom_id, 1, 100);
  badLength(['title'], modal.title, 1, 45);
  badCount(['components'], modal.components.length, 1, 5);
  const customIds = new Set<string>();
  modal.components.forEach((row, i) => {
    // A text input is as wide as its row.
    if (row.components.length > 1) {
      add(
        ['components', i, 'components'],
        'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
        'The specified component exceeds the maximum width',
      );
    }
    badCount(['components', i, 'components'], row.components.length, 1, 5);
    row.components.forEach((input, j) => {
      const path = ['components', i, 'components', j];
      badLength([...path, 'custom_id'], input.custom_id, 1, 100);
      badLength([...path, 'label'], input.label, 1, 45);
      outOfRange([...path, 'min_length'], input.min_length, 0, 4000);
      outOfRange([...path, 'max_length'], input.max_length, 1, 4000);
      tooLong([...path, 'placeholder'], input.placeholder, 100);
      tooLong([...path, 'value'], input.value, 4000);
      if (customIds.has(input.custom_id)) {
        add(
          [...path, 'custom_id'],
          'COMPONENT_CUSTOM_ID_DUPLICATED',
          'Component custom id cannot be duplicated',
        );
      }
      customIds.add(input.custom_id);
    });
  });
  const problems = list.problems.map((p) => ({ ...p, path: [...prefix, ...p.path] }));
  if (problems.length > 0) throw DiscordError.invalidForm(problems);
  return modal;
}
