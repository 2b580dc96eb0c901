/** The request the audit benchmarks make through the gateway: a customers page with each one's feedback (two subgraphs, two handed-off events). */
export const customersWithFeedback = (first: number): string => `{
  customers(first: ${first}) { edges { node { id customerKey name nameKana email phone address birthDate prefecture
    feedback(first: 3) { edges { node { id receivedAt rating body } } } } } }
}`;
