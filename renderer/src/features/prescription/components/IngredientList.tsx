import type { z } from 'zod';
import type { prescribedIngredientSchema } from '../../../../../shared/erezept/prescription';

type Ingredient = z.infer<typeof prescribedIngredientSchema>;

/** Substances with strength as printed (Wirkstoff prescription) or a Rezeptur's components. */
export function IngredientList({ ingredients, testId }: { ingredients: Ingredient[]; testId: string }) {
  return (
    <ul className="ingredients" data-testid={testId}>
      {ingredients.map((ing, i) => (
        <li key={i}>
          {ing.name}
          {ing.strength ? <span className="strength"> {ing.strength}</span> : null}
          {ing.pzn ? <span className="muted"> (PZN {ing.pzn})</span> : null}
        </li>
      ))}
    </ul>
  );
}
