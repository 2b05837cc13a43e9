"""The follow-up of every aid (issue 19 §3): its payment schedule (an advance and a
balance), the beneficiary's final report, the balance recomputed with the actual cost,
the payments recorded, and the commitment's unpaid part released to its envelope."""
