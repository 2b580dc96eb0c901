/** A message whose `backticked` parts are commands or file names: shown as code, not with the backticks. */
export function Rich({ text }: { text: string }) {
  return <>{text.split('`').map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}
