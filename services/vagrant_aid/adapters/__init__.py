"""What the vagrant_aid domain needs from the outside: the inline read models in the service's schema."""
