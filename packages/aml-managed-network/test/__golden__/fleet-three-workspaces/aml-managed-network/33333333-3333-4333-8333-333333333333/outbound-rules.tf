# Azure ML managed virtual network of workspace 33333333-3333-4333-8333-333333333333: user-defined outbound rules (aml-egress, catalog 2026.3.0, docs of 2026-06-11).
# Azure ML creates its required rules itself; ../managed-by-aml.json lists them.
variable "workspace_id" {
  type        = string
  description = "Resource ID of the Azure Machine Learning workspace 33333333-3333-4333-8333-333333333333"
}
